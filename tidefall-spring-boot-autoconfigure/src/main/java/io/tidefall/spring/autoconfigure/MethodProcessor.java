package io.tidefall.spring.autoconfigure;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;

import org.jspecify.annotations.Nullable;

import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.util.ReflectionUtils;

import io.tidefall.BatchProcessor;

/**
 * A {@code @TidefallProcessor} method as a {@link BatchProcessor}. The method is invoked on the
 * bean as the container holds it (its proxy, so {@code @Transactional} and {@code @Async} apply).
 * A returned {@link CompletionStage} is waited for, so the drain ends when the stage completes;
 * the drain's timeout interrupts the wait and cancels the stage when it is a {@link Future}.
 */
final class MethodProcessor implements BatchProcessor<Object> {

    private final Object bean;
    private final Method method;
    private final String description;

    /**
     * @param bean the bean, possibly a proxy
     * @param method the method as declared on the bean's class, callable on {@code bean}
     */
    MethodProcessor(Object bean, Method method, String description) {
        this.bean = bean;
        this.method = method;
        this.description = description;
        ReflectionUtils.makeAccessible(method);
    }

    @Override
    public void process(List<Object> batch) throws Exception {
        Object result;
        try {
            result = invoke(this.bean, batch);
        } catch (RejectedExecutionException rejected) {
            // An @Async processor whose executor already refuses work: the context is closing and
            // this is a final drain. Run the method where we are rather than lose the batch.
            Object target = AopProxyUtils.getSingletonTarget(this.bean);
            if (target == null) {
                throw rejected;
            }
            result = invoke(target, batch);
        }
        if (result instanceof CompletionStage<?> stage) {
            await(stage);
        }
    }

    private @Nullable Object invoke(Object target, List<Object> batch) throws Exception {
        try {
            return this.method.invoke(target, batch);
        } catch (InvocationTargetException failed) {
            throw rethrow(failed.getCause());
        }
    }

    private static void await(CompletionStage<?> stage) throws Exception {
        CompletableFuture<Object> done = new CompletableFuture<>();
        stage.whenComplete((value, failure) -> {
            if (failure != null) {
                done.completeExceptionally(failure);
            } else {
                done.complete(value);
            }
        });
        try {
            done.get();
        } catch (InterruptedException timedOut) {
            if (stage instanceof Future<?> future) {
                future.cancel(true);
            }
            Thread.currentThread().interrupt();
            throw timedOut;
        } catch (ExecutionException failed) {
            throw rethrow(failed.getCause());
        }
    }

    private static Exception rethrow(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return cause instanceof Exception exception ? exception : new RuntimeException(cause);
    }

    @Override
    public String toString() {
        return this.description;
    }
}
