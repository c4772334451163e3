package io.tidefall.spring.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.QueryTimeoutException;

import io.tidefall.BatchFailureHandler;
import io.tidefall.BatchProcessor;
import io.tidefall.FailedBatch;
import io.tidefall.RetryPolicy;
import io.tidefall.TidefallQueue;
import io.tidefall.spring.retry.DataAccessRetryPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Which failures the configured buffers retry: Spring's data-access classification when it is on
 * the class path, the application's own {@link RetryPolicy} bean when it has one. The processors
 * below fail for good or for a while; the delivery timeout is the engine's (2 minutes), so a
 * failure that reaches the failure handler within the test's wait was not retried to the deadline.
 */
class TidefallRetryPolicyTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TidefallAutoConfiguration.class))
            .withBean("handled", Handled.class, Handled::new)
            .withPropertyValues("tidefall.buffers.events.processor=processor", "tidefall.buffers.events.partitions=1",
                    "tidefall.buffers.events.processing-interval=1h", "tidefall.buffers.events.retry-backoff=10ms",
                    "tidefall.defaults.failure-handler=handled");

    @Test
    void runWithSpringDataAccessShouldHaveTheDataAccessRetryPolicy() {
        this.runner.withBean("processor", BatchProcessor.class, () -> batch -> { })
                .run(context -> assertThat(context).hasSingleBean(DataAccessRetryPolicy.class));
    }

    @Test
    void runWithoutSpringDataAccessShouldKeepTheEngineDefault() {
        this.runner.withClassLoader(new FilteredClassLoader(DataAccessException.class))
                .withBean("processor", BatchProcessor.class, () -> batch -> { })
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(RetryPolicy.class));
    }

    @Test
    void aConstraintViolationIsNotRetried() {
        this.runner.withBean("processor", BatchProcessor.class, () -> batch -> {
                    throw new DataIntegrityViolationException("duplicate key");
                })
                .run(context -> {
                    push(context.getBean("events", TidefallQueue.class), "poison");
                    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                            assertThat(context.getBean(Handled.class).elements).containsExactly("poison"));
                });
    }

    @Test
    void aQueryTimeoutIsRetriedUntilItPasses() {
        AtomicInteger calls = new AtomicInteger();
        List<Object> delivered = new CopyOnWriteArrayList<>();
        this.runner.withBean("processor", BatchProcessor.class, () -> batch -> {
                    if (calls.incrementAndGet() <= 3) {
                        throw new QueryTimeoutException("slow");
                    }
                    delivered.addAll(batch);
                })
                .run(context -> {
                    push(context.getBean("events", TidefallQueue.class), "a");
                    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(delivered).containsExactly("a"));
                    assertThat(context.getBean(Handled.class).elements).isEmpty();
                    assertThat(calls).hasValue(4);
                });
    }

    @Test
    void theApplicationsRetryPolicyWins() {
        this.runner.withBean("processor", BatchProcessor.class, () -> batch -> {
                    throw new IllegalStateException("the application says: never retry this");
                })
                .withBean("neverRetry", RetryPolicy.class, () -> failure -> false)
                .run(context -> {
                    assertThat(context).doesNotHaveBean(DataAccessRetryPolicy.class);
                    push(context.getBean("events", TidefallQueue.class), "x");
                    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                            assertThat(context.getBean(Handled.class).elements).containsExactly("x"));
                });
    }

    @SuppressWarnings("unchecked")
    private static void push(TidefallQueue<?> queue, String item) {
        ((TidefallQueue<String>) queue).push(item);
        queue.flush();
    }

    static class Handled implements BatchFailureHandler<Object> {

        final List<Object> elements = new CopyOnWriteArrayList<>();

        @Override
        public void handle(FailedBatch<Object> failed) {
            this.elements.addAll(failed.elements());
        }
    }
}
