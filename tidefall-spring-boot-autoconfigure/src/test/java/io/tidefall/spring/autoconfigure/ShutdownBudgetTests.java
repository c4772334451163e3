package io.tidefall.spring.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.tidefall.BatchFailureHandler;
import io.tidefall.BatchProcessor;
import io.tidefall.BufferListener;
import io.tidefall.TidefallQueue;
import io.tidefall.spring.deadletter.DeadLetterStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Shutdown honours {@code spring.lifecycle.timeout-per-shutdown-phase}: a processor slower than
 * the phase does not hold the context's close for the buffer's processing timeout. And stopping a
 * context without closing it (before a checkpoint) flushes the buffers and leaves them working.
 */
class ShutdownBudgetTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LifecycleAutoConfiguration.class, TaskExecutionAutoConfiguration.class,
                    TaskSchedulingAutoConfiguration.class, TidefallAutoConfiguration.class))
            .withUserConfiguration(Processors.class)
            .withPropertyValues("tidefall.buffers.events.processing-interval=1h", "tidefall.buffers.events.partitions=1");

    @Test
    void aProcessorSlowerThanTheShutdownPhaseDoesNotHoldTheCloseForItsProcessingTimeout() {
        this.runner.withPropertyValues("tidefall.buffers.events.processor=stuck",
                "tidefall.buffers.events.failure-handler=deadLetters",
                "tidefall.buffers.events.processing-timeout=10m", "spring.lifecycle.timeout-per-shutdown-phase=1s")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    @SuppressWarnings("unchecked")
                    TidefallQueue<Integer> events = context.getBean("events", TidefallQueue.class);
                    Processors processors = context.getBean(Processors.class);
                    events.pushAll(List.of(1, 2, 3));
                    long start = System.nanoTime();
                    context.close();
                    Duration took = Duration.ofNanos(System.nanoTime() - start);
                    // The phase is 1 s; the processing timeout, which bounded a synchronous stop, is 10 minutes.
                    assertThat(took).isLessThan(Duration.ofMinutes(2));
                    assertThat(processors.stuckCalls.get()).isEqualTo(1);
                    assertThat(processors.release.getCount()).as("the processor was still stuck when the context closed").isOne();
                    // Accounted: what the stuck processor did not deliver went to the failure handler, for shutdown.
                    await().atMost(Duration.ofSeconds(10))
                            .untilAsserted(() -> assertThat(processors.deadLettered).containsExactlyInAnyOrder(1, 2, 3));
                    assertThat(processors.reasons).containsOnly("SHUTDOWN");
                    processors.release.countDown();
                });
    }

    /**
     * SIGTERM while the database is down: the close gets the shutdown phase (10 s here, a third of
     * Boot's default), less its margin; it returns within the phase plus one second, and by the time
     * it returns every accepted element is in the real dead-letter store. Without a hand-over reserve
     * that grows with what is held, the close returned with 29,674 of 100,000 stored (a 4 s phase).
     */
    @Test
    void aCloseDuringAnOutageReturnsWithinThePhaseWithEveryElementAccountedFor(@TempDir Path deadLetters) {
        int accepted = 100_000;
        Duration phase = Duration.ofSeconds(10);
        this.runner.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class,
                        TidefallDeadLetterAutoConfiguration.class))
                .withPropertyValues("tidefall.buffers.events.processor=down", "tidefall.buffers.events.partitions=4",
                        "tidefall.buffers.events.processing-interval=50ms", "tidefall.buffers.events.processing-batch-size=1000",
                        "tidefall.dead-letter.directory=" + deadLetters, "tidefall.dead-letter.self-heal=false",
                        "spring.lifecycle.timeout-per-shutdown-phase=" + phase.toMillis() + "ms")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    @SuppressWarnings("unchecked")
                    TidefallQueue<Integer> events = context.getBean("events", TidefallQueue.class);
                    Processors processors = context.getBean(Processors.class);
                    DeadLetterStore store = context.getBean(DeadLetterStore.class);
                    IntStream.range(0, accepted).forEach(events::push);
                    await().until(() -> processors.downCalls.get() > 0); // the outage has hit drains

                    long start = System.nanoTime();
                    context.close();
                    Duration took = Duration.ofNanos(System.nanoTime() - start);

                    assertThat(took).as("the close fits the shutdown phase, plus one second").isLessThan(phase.plusSeconds(1));
                    assertThat(store.count("events")).as("every accepted element is dead-lettered by the time close returns")
                            .isEqualTo(accepted);
                });
    }

    @Test
    void stoppingTheContextFlushesAndStartingItAgainKeepsTheBuffersWorking() {
        this.runner.withPropertyValues("tidefall.buffers.events.processor=recorder").run(context -> {
            assertThat(context).hasNotFailed();
            @SuppressWarnings("unchecked")
            TidefallQueue<String> events = context.getBean("events", TidefallQueue.class);
            @SuppressWarnings("unchecked")
            Recorder<String> recorder = context.getBean("recorder", Recorder.class);
            events.push("before stop");
            context.stop();
            assertThat(recorder.elements).containsExactly("before stop");
            assertThat(events.isRunning()).isTrue();

            context.start();
            events.push("after start");
            events.flush();
            assertThat(recorder.elements).containsExactly("before stop", "after start");
            context.close();
            assertThat(events.isRunning()).isFalse();
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class Processors {

        final AtomicInteger stuckCalls = new AtomicInteger();
        /** Released once the test has seen the context closed, so the stuck call ends with the test. */
        final CountDownLatch release = new CountDownLatch(1);
        final List<Integer> deadLettered = new CopyOnWriteArrayList<>();
        final List<String> reasons = new CopyOnWriteArrayList<>();

        @Bean
        BatchFailureHandler<Integer> deadLetters() {
            return failed -> this.deadLettered.addAll(failed.elements());
        }

        @Bean
        BufferListener failureReasons() {
            return new BufferListener() {
                @Override
                public void drainFailed(String buffer, int partition, int size, Throwable cause, FailureReason reason) {
                    Processors.this.reasons.add(reason.name());
                }
            };
        }

        final AtomicInteger downCalls = new AtomicInteger();

        @Bean
        BatchProcessor<Integer> down() {
            return batch -> {
                this.downCalls.incrementAndGet();
                throw new IllegalStateException("database down");
            };
        }

        @Bean
        Recorder<String> recorder() {
            return new Recorder<>();
        }

        @Bean
        BatchProcessor<Integer> stuck() {
            return batch -> {
                this.stuckCalls.incrementAndGet();
                this.release.await();
            };
        }
    }
}
