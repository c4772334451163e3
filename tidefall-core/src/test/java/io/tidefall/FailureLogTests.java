package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The log lines about failed, lost and retried elements add up to the partitions' counters, at close too. */
class FailureLogTests {

    private static final Pattern LINE = Pattern.compile(
            "Buffer 'counted': (\\d+) element\\(s\\) (went to the failure handler|were lost|failed and will be retried)");

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger logger = Logger.getLogger(TidefallQueue.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        logger.addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        logger.removeHandler(capture);
    }

    @Test
    void theLinesAddUpToTheCountersOnceTheBufferIsClosed() {
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger handled = new AtomicInteger();
        TidefallQueue<Integer> queue = TidefallQueue.<Integer>builder("counted")
                .partitions(3)
                .options(BufferOptions.defaults().withProcessingBatchSize(7).withProcessingRetries(2)
                        .withRetryBackoff(Duration.ZERO))
                .retryPolicy(failure -> !(failure instanceof IllegalArgumentException))
                .processor(batch -> {
                    int call = calls.incrementAndGet();
                    if (call % 3 == 0) {
                        throw new IllegalStateException("transient, call " + call); // retried
                    }
                    if (batch.contains(13) || batch.contains(500)) {
                        throw new IllegalArgumentException("permanent"); // narrowed down, then failed
                    }
                })
                .failureHandler(failed -> {
                    if (handled.incrementAndGet() % 2 == 0) {
                        throw new IllegalStateException("dead-letter store down"); // lost, loudly
                    }
                })
                .build();
        IntStream.range(0, 1_000).forEach(queue::push);
        queue.flush();
        queue.close();

        long failed = 0;
        long retried = 0;
        for (int p = 0; p < 3; p++) {
            failed += queue.stats(p).failed();
            retried += queue.stats(p).retried();
        }
        long logged = 0;
        long loggedRetries = 0;
        for (String line : lines) {
            Matcher matcher = LINE.matcher(line);
            if (matcher.find()) {
                long count = Long.parseLong(matcher.group(1));
                if (matcher.group(2).startsWith("failed and will be retried")) {
                    loggedRetries += count;
                } else {
                    logged += count;
                }
            }
        }
        assertThat(failed).as("the scenario fails some elements").isPositive();
        assertThat(retried).as("and retries some").isPositive();
        assertThat(logged).as("handed over or lost, as logged").isEqualTo(failed);
        assertThat(loggedRetries).as("retried elements are logged once each, not once per attempt").isPositive()
                .isLessThan(retried).isLessThanOrEqualTo(1_000);
    }

    @Test
    void aCountInsideTheIntervalIsWrittenWhenTheIntervalEndsNotWithTheNextEvent() {
        ManualScheduler clock = new ManualScheduler();
        FailureLog log = new FailureLog(System.getLogger(TidefallQueue.class.getName()), "counted", 2, clock, clock);
        log.count(FailureLog.Kind.LOST, 0, 1, "no failure handler", null);
        log.count(FailureLog.Kind.LOST, 1, 99, "no failure handler", null);
        assertThat(logged("were lost")).as("the first event is written at once").isEqualTo(1);

        clock.advance(Duration.ofSeconds(9));
        assertThat(logged("were lost")).as("the rest waits for the end of the interval").isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(logged("were lost")).as("and is written then, with no further event").isEqualTo(100);
        assertThat(lines).last().asString().contains("partition 1: 99").contains("100 since start");

        clock.advance(Duration.ofMinutes(1));
        assertThat(lines).as("nothing pending, nothing written").hasSize(2);
        assertThat(clock.pendingDelays()).as("and no timer left armed").isEmpty();
    }

    @Test
    void aChunkRetriedManyTimesCountsItsElementsOnce() {
        AtomicInteger calls = new AtomicInteger();
        TidefallQueue<Integer> queue = TidefallQueue.<Integer>builder("counted")
                .partitions(1)
                .options(BufferOptions.defaults().withProcessingBatchSize(BatchSize.TABLE).withProcessingRetries(5)
                        .withRetryBackoff(Duration.ZERO))
                .processor(batch -> {
                    if (calls.incrementAndGet() <= 3) {
                        throw new IllegalStateException("database down, call " + calls.get());
                    }
                })
                .build();
        IntStream.range(0, 100).forEach(queue::push);
        queue.flush();
        queue.close();

        assertThat(queue.stats(0).retried()).as("offered again three times").isEqualTo(300);
        assertThat(queue.stats(0).drained()).isEqualTo(100);
        assertThat(logged("failed and will be retried")).as("100 elements failed, whatever the attempts").isEqualTo(100);
    }

    private long logged(String what) {
        long sum = 0;
        for (String line : lines) {
            Matcher matcher = LINE.matcher(line);
            if (matcher.find() && matcher.group(2).equals(what)) {
                sum += Long.parseLong(matcher.group(1));
            }
        }
        return sum;
    }
}
