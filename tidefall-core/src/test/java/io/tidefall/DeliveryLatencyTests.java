package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link BufferListener#elementsDelivered}: the latency it reports for a processor call bounds the
 * push-to-return time of every element of that call from above, and does not count the time a
 * table spent empty. Ticks come from a {@link ManualScheduler} and drains run on the test thread,
 * so the order of pushes, ticks and calls is the test's.
 */
@Timeout(30)
class DeliveryLatencyTests {

    private static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final Duration WAIT = Duration.ofMillis(100);

    private final ManualScheduler clock = new ManualScheduler();
    private final Map<Integer, Long> pushStarted = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<Delivered> delivered = new CopyOnWriteArrayList<>();

    /** One processor call: when it began and what it held. */
    private record Call(long enteredNanos, List<Integer> elements) {
    }

    /** One event: what the listener was told, and when it heard it. */
    private record Delivered(long count, Duration latency, long heardNanos) {
    }

    private TidefallQueue<Integer> queue(int batchSize) {
        TidefallQueue<Integer> queue = TidefallQueue.<Integer>builder("latency")
                .partitions(1)
                .options(BufferOptions.defaults().withProcessingInterval(INTERVAL).withProcessingBatchSize(batchSize))
                .processor(batch -> calls.add(new Call(System.nanoTime(), new ArrayList<>(batch))))
                .scheduler(clock)
                .executor(Runnable::run)
                .listener(new BufferListener() {
                    @Override
                    public void elementsDelivered(String buffer, int partition, long count, Duration latency) {
                        delivered.add(new Delivered(count, latency, System.nanoTime()));
                    }
                })
                .build();
        queue.start();
        return queue;
    }

    private void push(TidefallQueue<Integer> queue, int element) {
        pushStarted.put(element, System.nanoTime());
        queue.push(element);
    }

    private static void awaitElapsed(long sinceNanos, Duration duration) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
                .until(() -> System.nanoTime() - sinceNanos >= duration.toNanos());
    }

    @Test
    void eachCallsLatencyCoversTheWaitOfEveryElementItHeld() {
        try (TidefallQueue<Integer> queue = queue(2)) {
            long first = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                push(queue, i);
            }
            // The drain starts well after the pushes: a latency measured from the drain's start, not
            // from the table's opening, would miss that wait.
            awaitElapsed(first, WAIT);
            clock.advance(INTERVAL);

            assertThat(calls).hasSize(3);
            assertThat(delivered).extracting(Delivered::count).containsExactly(2L, 2L, 1L);
            for (int i = 0; i < calls.size(); i++) {
                Call call = calls.get(i);
                long oldestPush = call.elements().stream().mapToLong(pushStarted::get).min().orElseThrow();
                assertThat(delivered.get(i).latency().toNanos())
                        .as("call %d: at least from the oldest push to the call", i)
                        .isGreaterThanOrEqualTo(call.enteredNanos() - oldestPush);
            }
        }
    }

    @Test
    void aTableThatWaitedEmptyDoesNotCountItsIdleTime() {
        try (TidefallQueue<Integer> queue = queue(10)) {
            long built = System.nanoTime();
            awaitElapsed(built, WAIT.multipliedBy(3)); // the write table has been open and empty a while
            long beforeEmptyTick = System.nanoTime();
            clock.advance(INTERVAL); // finds the table empty
            push(queue, 1);
            clock.advance(INTERVAL); // drains it

            assertThat(delivered).hasSize(1);
            Delivered only = delivered.get(0);
            assertThat(only.latency().toNanos())
                    .as("counted from the last tick that found the table empty, not from when it opened")
                    .isLessThanOrEqualTo(only.heardNanos() - beforeEmptyTick)
                    .isGreaterThanOrEqualTo(calls.get(0).enteredNanos() - pushStarted.get(1));
        }
    }

    @Test
    void aCallThatFailsReportsNothingDelivered() {
        List<String> heard = new CopyOnWriteArrayList<>();
        try (TidefallQueue<Integer> queue = TidefallQueue.<Integer>builder("failing")
                .partitions(1)
                .options(BufferOptions.defaults().withProcessingInterval(INTERVAL).withProcessingRetries(0))
                .processor(batch -> {
                    throw new IllegalStateException("refused");
                })
                .failureHandler(failed -> heard.add("handler " + failed.elements().size()))
                .scheduler(clock)
                .executor(Runnable::run)
                .listener(new BufferListener() {
                    @Override
                    public void elementsDelivered(String buffer, int partition, long count, Duration latency) {
                        heard.add("delivered " + count);
                    }
                })
                .build()) {
            queue.start();
            queue.push(1);
            clock.advance(INTERVAL);
            assertThat(heard).containsExactly("handler 1");
        }
    }
}
