package io.tidefall.spring.autoconfigure;

import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;

import org.junit.jupiter.api.Test;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.interceptor.AsyncExecutionInterceptor;
import org.springframework.aop.support.AopUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class MethodProcessorTests {

    @Test
    void processShouldRunAnAsyncMethodInlineWhenItsExecutorRefusesWork() throws Exception {
        Sink target = new Sink();
        ProxyFactory factory = new ProxyFactory(target);
        factory.setProxyTargetClass(true);
        factory.addAdvice(new AsyncExecutionInterceptor(task -> {
            throw new RejectedExecutionException("executor is shutting down");
        }));
        Object proxy = factory.getProxy();
        Method method = AopUtils.selectInvocableMethod(Sink.class.getMethod("store", List.class), proxy.getClass());

        new MethodProcessor(proxy, method, "Sink.store").process(List.of("a", "b"));

        assertThat(target.stored).containsExactly("a", "b");
        assertThat(target.threads).containsExactly(Thread.currentThread().getName());
    }

    @Test
    void processShouldRethrowWhatTheMethodThrows() throws Exception {
        Method method = Sink.class.getMethod("fail", List.class);
        assertThatIllegalStateException()
                .isThrownBy(() -> new MethodProcessor(new Sink(), method, "Sink.fail").process(List.of("a")))
                .withMessage("boom");
    }

    public static class Sink {

        final List<String> stored = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();

        public CompletableFuture<Void> store(List<String> batch) {
            this.threads.add(Thread.currentThread().getName());
            this.stored.addAll(batch);
            return CompletableFuture.completedFuture(null);
        }

        public void fail(List<String> batch) {
            throw new IllegalStateException("boom");
        }
    }
}
