package io.tidefall.spring.deadletter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.util.unit.DataSize;

import io.tidefall.BatchSize;
import io.tidefall.Buffer;
import io.tidefall.BufferOptions;
import io.tidefall.FailedBatch;
import io.tidefall.OverflowPolicy;
import io.tidefall.TidefallHashMap;
import io.tidefall.TidefallQueue;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.awaitility.Awaitility.await;

class DeadLetterStoreTests {

    @TempDir
    Path directory;

    private final JsonMapper mapper = JsonMapper.builder().build();
    private final List<Buffer> buffers = new ArrayList<>();

    @AfterEach
    void closeBuffers() {
        this.buffers.forEach(Buffer::close);
    }

    @Test
    void queueItemsComeBackAsTheirOwnTypeAfterARestart() throws Exception {
        PageView first = new PageView("7f6c", "u1", "/home", Instant.parse("2026-11-29T01:00:00.123456Z"));
        PageView second = new PageView("8a1d", "u2", "/a \"quoted\"\npath", Instant.parse("2026-11-29T01:00:01Z"));
        store(DataSize.ofMegabytes(1)).handle(failed("events", 1, List.of(first, second)));

        List<Object> delivered = new CopyOnWriteArrayList<>();
        TidefallQueue<Object> events = queue("events", delivered, BufferOptions.defaults());
        DeadLetterStore restarted = store(DataSize.ofMegabytes(1)); // a new process reads what the old one wrote
        assertThat(restarted.count("events")).isEqualTo(2);
        assertThat(restarted.sizeInBytes()).isPositive();

        ReplayResult result = restarted.replay(events);
        events.flush();

        assertThat(result).isEqualTo(new ReplayResult("events", 2, 0, 0, List.of()));
        assertThat(delivered).containsExactly(first, second);
        assertThat(restarted.count("events")).isZero();
        assertThat(restarted.sizeInBytes()).isZero();
        assertThat(restarted.replay(events).replayed()).as("a second replay finds nothing").isZero();
    }

    @Test
    void hashMapEntriesComeBackWithTheirVersionsAndNeverOverwriteANewerValue() throws Exception {
        DeadLetterStore store = store(DataSize.ofMegabytes(1));
        store.handle(failed("presence", 0, List.of(
                new TidefallHashMap.Entry<>("u1", new Presence("online", 100), 100, 3),
                new TidefallHashMap.Entry<>("u2", new Presence("away", 200), 200, 0),
                new TidefallHashMap.Entry<>("u3", new Presence("busy", 0), 0, 0))));

        List<Object> delivered = new CopyOnWriteArrayList<>();
        TidefallHashMap<String, Presence> presence = TidefallHashMap.<String, Presence>builder("presence")
                .processor(delivered::addAll).partitions(1)
                .options(BufferOptions.defaults().withProcessingBatchSize(BatchSize.TABLE).withProcessingInterval(Duration.ofHours(1)))
                .build();
        this.buffers.add(presence);
        presence.start();
        presence.putNewer("u2", new Presence("offline", 300), 300); // newer than the stored one

        ReplayResult result = store.replay(presence);
        presence.flush();

        assertThat(result.replayed()).isEqualTo(2);
        assertThat(result.superseded()).isEqualTo(1);
        assertThat(result.remaining()).isZero();
        assertThat(delivered).extracting(entry -> ((TidefallHashMap.Entry<?, ?>) entry).key() + "=" + ((TidefallHashMap.Entry<?, ?>) entry).value()
                + "@" + ((TidefallHashMap.Entry<?, ?>) entry).version())
                .containsExactlyInAnyOrder("u1=Presence[status=online, at=100]@100", "u2=Presence[status=offline, at=300]@300",
                        "u3=Presence[status=busy, at=0]@0");
        assertThat(store.count("presence")).isZero();
    }

    @Test
    void aBatchThatDoesNotFitIsRefusedWholeWithAMessageSayingWhatToDo() throws Exception {
        DeadLetterStore store = store(DataSize.ofBytes(300));
        store.handle(failed("events", 0, List.of(view("a"))));
        long used = store.sizeInBytes();

        assertThatExceptionOfType(DeadLetterStoreFullException.class)
                .isThrownBy(() -> store.handle(failed("events", 1, List.of(view("b"), view("c"), view("d")))))
                .withMessageContaining("is full")
                .withMessageContaining("3 element(s) of buffer 'events' (partition 1")
                .withMessageContaining("tidefall.dead-letter.max-size")
                .withMessageContaining("POST /actuator/tidefall/events/replay");
        assertThat(store.sizeInBytes()).isEqualTo(used);
        assertThat(store.count("events")).isEqualTo(1);
        assertThat(store(DataSize.ofBytes(300)).sizeInBytes()).as("what a restart counts").isEqualTo(used);
    }

    @Test
    void aReplayIntoABufferThatFillsPartWayThroughAFileKeepsExactlyTheLinesNotReplayed() throws Exception {
        DeadLetterStore store = store(DataSize.ofMegabytes(1));
        store.handle(failed("events", 0, List.of(view("a"), view("b"), view("c"))));
        store.handle(failed("events", 0, List.of(view("d"))));
        List<Path> files = store.files("events");
        List<Object> delivered = new CopyOnWriteArrayList<>();
        CountDownLatch sinkHeld = new CountDownLatch(1);
        TidefallQueue<Object> events = TidefallQueue.builder("events").partitions(1)
                .options(BufferOptions.defaults().withProcessingInterval(Duration.ofHours(1)).withCapacity(2)
                        .withOverflow(OverflowPolicy.FAIL))
                .processor(batch -> {
                    sinkHeld.await();
                    delivered.addAll(batch);
                })
                .build();
        this.buffers.add(events);
        events.start();
        // A drain in flight that does not return: the write table cannot be swapped, so it really fills at 2.
        events.push(view("held"));
        Thread flusher = new Thread(events::flush);
        flusher.start();
        await().until(() -> events.stats(0).draining());

        ReplayResult first = store.replay(events);

        assertThat(first.replayed()).as("a and b fit").isEqualTo(2);
        assertThat(first.remaining()).as("c, and d in the next file").isEqualTo(2);
        assertThat(first.problems()).singleElement().asString().contains("refused");
        assertThat(store.count("events")).isEqualTo(2);
        assertThat(Files.readAllLines(files.get(0))).as("the first file keeps exactly its unreplayed line")
                .singleElement().asString().contains("\"c\"").doesNotContain("\"a\"").doesNotContain("\"b\"");
        assertThat(Files.readAllLines(files.get(1))).singleElement().asString().contains("\"d\"");

        sinkHeld.countDown();
        flusher.join();
        events.flush();
        ReplayResult second = store.replay(events);
        events.flush();

        assertThat(second.replayed()).isEqualTo(2);
        assertThat(second.remaining()).isZero();
        assertThat(store.count("events")).isZero();
        assertThat(delivered).extracting(view -> ((PageView) view).id()).containsExactly("held", "a", "b", "c", "d");
    }

    @Test
    void aReplayIntoAClosedBufferKeepsEverything() throws Exception {
        DeadLetterStore store = store(DataSize.ofMegabytes(1));
        store.handle(failed("events", 0, List.of(view("a"), view("b"))));
        store.handle(failed("events", 1, List.of(view("c"))));
        TidefallQueue<Object> closed = queue("events", new ArrayList<>(), BufferOptions.defaults());
        closed.close();

        ReplayResult result = store.replay(closed);

        assertThat(result.replayed()).isZero();
        assertThat(result.remaining()).isEqualTo(3);
        assertThat(result.problems()).singleElement().asString().contains("refused");
        assertThat(store.count("events")).isEqualTo(3);
        List<Object> delivered = new CopyOnWriteArrayList<>();
        TidefallQueue<Object> reopened = queue("events", delivered, BufferOptions.defaults());
        assertThat(store.replay(reopened).replayed()).isEqualTo(3);
        reopened.flush();
        assertThat(delivered).extracting(view -> ((PageView) view).id()).containsExactly("a", "b", "c");
    }

    @Test
    void aFileThatCannotBeReadBackIsKeptAndReported() throws Exception {
        DeadLetterStore store = store(DataSize.ofMegabytes(1));
        store.handle(failed("events", 0, List.of(view("a"))));
        Path file = store.files("events").get(0);
        Files.writeString(file, Files.readString(file).replace(PageView.class.getName(), "com.example.Gone"));
        store.handle(failed("events", 0, List.of(view("b"))));
        List<Object> delivered = new CopyOnWriteArrayList<>();

        ReplayResult result = store(DataSize.ofMegabytes(1)).replay(queue("events", delivered, BufferOptions.defaults()));

        assertThat(result.replayed()).isEqualTo(1);
        assertThat(result.remaining()).isEqualTo(1);
        assertThat(result.problems()).singleElement().asString().contains(file.getFileName().toString())
                .contains("com.example.Gone is not on the class path");
        assertThat(file).exists();
    }

    @Test
    void entriesAreNotReplayedIntoAQueue() throws Exception {
        DeadLetterStore store = store(DataSize.ofMegabytes(1));
        store.handle(failed("events", 0, List.of(new TidefallHashMap.Entry<>("k", "v", 1, 0))));

        ReplayResult result = store.replay(queue("events", new ArrayList<>(), BufferOptions.defaults()));

        assertThat(result.replayed()).isZero();
        assertThat(result.problems()).singleElement().asString().contains("holds a hash-map entry");
        assertThat(store.count("events")).isEqualTo(1);
    }

    @Test
    void everyElementIsOneLineEvenWhenTheApplicationIndentsItsJson() throws Exception {
        JsonMapper indenting = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
        DeadLetterStore store = new DeadLetterStore(this.directory, DataSize.ofMegabytes(1), indenting, getClass().getClassLoader());
        store.handle(failed("events", 0, List.of(view("a"), view("b"))));

        List<String> lines = Files.readAllLines(store.files("events").get(0), StandardCharsets.UTF_8);
        assertThat(lines).hasSize(2).allSatisfy(line -> assertThat(line).startsWith("{").endsWith("}"));
        assertThat(lines.get(0)).contains("\"cause\":\"java.util.concurrent.TimeoutException: processingTimeout 1s\"");
    }

    @Test
    void aBufferNameCannotLeaveTheStoreDirectory() throws Exception {
        DeadLetterStore store = store(DataSize.ofMegabytes(1));
        store.handle(failed("../escape", 0, List.of(view("a"))));
        store.handle(failed("a/b", 0, List.of(view("b"))));

        try (Stream<Path> outside = Files.list(this.directory.getParent())) {
            assertThat(outside).noneMatch(path -> path.getFileName().toString().contains("escape"));
        }
        assertThat(store.buffers()).containsExactly("../escape", "a/b");
        assertThat(store.count("../escape")).isEqualTo(1);
        assertThat(store.count("a/b")).isEqualTo(1);
    }

    @Test
    void writesLeaveNoTemporaryFileAndReplayIgnoresOneLeftByACrash() throws Exception {
        DeadLetterStore store = store(DataSize.ofMegabytes(1));
        store.handle(failed("events", 0, List.of(view("a"))));
        Path folder = store.files("events").get(0).getParent();
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files).allMatch(file -> file.toString().endsWith(BatchFiles.SUFFIX));
        }
        Files.writeString(folder.resolve("0000000000000-p0-000001.tmp"), "{\"half\":");
        List<Object> delivered = new CopyOnWriteArrayList<>();

        TidefallQueue<Object> events = queue("events", delivered, BufferOptions.defaults());
        assertThat(store.replay(events).replayed()).isEqualTo(1);
        events.flush();
        assertThat(delivered).extracting(view -> ((PageView) view).id()).containsExactly("a");
    }

    @Test
    void anElementJacksonCannotWriteIsReportedAndTheOthersAreStored() throws Exception {
        DeadLetterStore store = store(DataSize.ofMegabytes(1));

        assertThatIOException().isThrownBy(() -> store.handle(failed("events", 0, List.of(view("a"), new Unwritable()))))
                .withMessageContaining("1 of 2 element(s) of buffer 'events' could not be written as JSON");
        assertThat(store.count("events")).isEqualTo(1);
    }

    private DeadLetterStore store(DataSize maxSize) {
        return new DeadLetterStore(this.directory, maxSize, this.mapper, getClass().getClassLoader());
    }

    private TidefallQueue<Object> queue(String name, List<Object> delivered, BufferOptions options) {
        TidefallQueue<Object> queue = TidefallQueue.builder(name).processor(delivered::addAll).partitions(1)
                .options(options.withProcessingInterval(Duration.ofHours(1))).build();
        this.buffers.add(queue);
        queue.start();
        return queue;
    }

    private static FailedBatch<Object> failed(String buffer, int partition, List<?> elements) {
        return new FailedBatch<>(buffer, partition, new ArrayList<>(elements), new TimeoutException("processingTimeout 1s"));
    }

    private static PageView view(String id) {
        return new PageView(id, "u", "/" + id, Instant.parse("2026-11-29T01:00:00Z"));
    }

    record PageView(String id, String user, String path, Instant receivedAt) {
    }

    record Presence(String status, long at) {
    }

    /** Jackson cannot write this: its only property throws. */
    static final class Unwritable {

        public String getValue() {
            throw new IllegalStateException("no value");
        }
    }
}
