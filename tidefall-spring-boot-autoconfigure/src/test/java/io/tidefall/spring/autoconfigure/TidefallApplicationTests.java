package io.tidefall.spring.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestExecutionListeners;
import org.springframework.test.context.support.DependencyInjectionTestExecutionListener;
import org.springframework.test.context.support.DirtiesContextTestExecutionListener;

import io.tidefall.TidefallHashMap;
import io.tidefall.TidefallQueue;
import io.tidefall.spring.TidefallProcessor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A whole application: writes from many threads, then the context closes, and every buffered
 * element has reached its processor, an {@code @Async} one included.
 */
@SpringBootTest(properties = {
        "tidefall.defaults.partitions=4",
        "tidefall.defaults.processing-interval=1h", // nothing drains on a tick: the final drain must deliver everything
        "tidefall.buffers.events.processor=eventSink",
        "tidefall.buffers.events.processing-batch-size=100",
        "tidefall.buffers.presence.type=hash-map",
        "tidefall.buffers.presence.processing-batch-size=table",
        "tidefall.buffers.audit.type=queue" })
@DirtiesContext
// The test closes the context itself; listeners that publish test events to it afterwards are left out.
@TestExecutionListeners(listeners = { DependencyInjectionTestExecutionListener.class,
        DirtiesContextTestExecutionListener.class }, mergeMode = TestExecutionListeners.MergeMode.REPLACE_DEFAULTS)
class TidefallApplicationTests {

    @Autowired
    ConfigurableApplicationContext context;

    @Autowired
    @Qualifier("events")
    TidefallQueue<Integer> events;

    @Autowired
    @Qualifier("presence")
    TidefallHashMap<String, Long> presence;

    @Autowired
    @Qualifier("audit")
    TidefallQueue<String> audit;

    @Autowired
    Application.Sinks sinks;

    @Autowired
    Recorder<Integer> eventSink;

    @Test
    void closingTheContextShouldProcessEveryBufferedElement() throws Exception {
        int writers = 4;
        int perWriter = 2_500;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            done.add(pool.submit(() -> {
                for (int i = 0; i < perWriter; i++) {
                    this.events.push(writer * perWriter + i);
                    this.presence.putNewer("user-" + (i % 50), (long) i, i + 1);
                    if (i % 10 == 0) {
                        this.audit.push("w" + writer + "-" + i);
                    }
                }
            }));
        }
        for (Future<?> future : done) {
            future.get();
        }
        pool.shutdown();
        assertThat(this.eventSink.elements).isEmpty(); // nothing drained yet: the interval is an hour

        this.context.close();

        assertThat(this.eventSink.elements).hasSize(writers * perWriter).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, writers * perWriter).boxed().toList());
        assertThat(this.eventSink.batchSizes).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(100));
        // The newest heartbeat of each user won: i = perWriter - 50 + user.
        assertThat(this.sinks.presence()).hasSize(50).allSatisfy(entry -> assertThat(entry.value())
                .isEqualTo((long) perWriter - 50 + Integer.parseInt(entry.key().substring("user-".length()))));
        assertThat(this.sinks.audit()).hasSize(writers * perWriter / 10).doesNotHaveDuplicates();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @EnableAsync
    static class Application {

        @Bean
        Recorder<Integer> eventSink() {
            return new Recorder<>();
        }

        @Bean
        Sinks sinks() {
            return new Sinks();
        }

        static class Sinks {

            // Read through methods: the bean is a proxy (for @Async), whose own fields are not these.
            private final List<TidefallHashMap.Entry<String, Long>> presence = new CopyOnWriteArrayList<>();
            private final List<String> audit = new CopyOnWriteArrayList<>();

            public List<TidefallHashMap.Entry<String, Long>> presence() {
                return this.presence;
            }

            public List<String> audit() {
                return this.audit;
            }

            @TidefallProcessor("presence")
            public void presence(List<TidefallHashMap.Entry<String, Long>> entries) {
                this.presence.addAll(entries);
            }

            /** Runs on the application's executor, which may refuse work once the context closes. */
            @Async
            @TidefallProcessor("audit")
            public CompletableFuture<Void> audit(List<String> lines) {
                this.audit.addAll(lines);
                return CompletableFuture.completedFuture(null);
            }
        }
    }
}
