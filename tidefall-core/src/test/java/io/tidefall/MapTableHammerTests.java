package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Writers of the same keys race each other and a sealer that swaps tables as a partition does
 * (install a fresh table, seal the old one, drain it). Every write is logged with the table that
 * took it and its result; afterwards each drained table must hold exactly what its logged writes
 * leave: for {@code putNewer}, the highest version with an exact count of replacements; for
 * {@code put}, a value no later write of the same thread overwrote; for a key's owner mixing
 * {@code put}, {@code putNewer} and {@code delete}, what those writes leave in order. No key twice,
 * none lost, none invented, and the table's size after its seal is the drained list's.
 */
class MapTableHammerTests {

    private static final int WRITERS = 4;
    private static final int WRITES_PER_WRITER = 150_000;
    private static final int SHARED_KEYS = 16;
    private static final int OWN_KEYS = 8;
    private static final int MIN_SWAPS = 300;

    /** A plain put's value: who wrote it, and which of that writer's writes it was. */
    private record Written(int writer, long seq) {
    }

    /** One logged write: the table that took it (not SEALED), the key, what was written, the result. */
    private record Op(MapTable<Integer, Object, TidefallHashMap.Entry<Integer, Object>> table, int key, Object value, long version, int kind, WriteResult result) {
    }

    private static final int PUT = 0;
    private static final int PUT_NEWER = 1;
    private static final int DELETE = 2;

    /** What one sealed table drained, and its size once sealed. */
    private record Drained(MapTable<Integer, Object, TidefallHashMap.Entry<Integer, Object>> table, List<TidefallHashMap.Entry<Integer, Object>> entries, long size) {
    }

    /** Swaps tables in a loop while the writers run, and once more at the end, keeping every drain. */
    private static final class Sealer {
        volatile MapTable<Integer, Object, TidefallHashMap.Entry<Integer, Object>> current = new MapTable<>(0, TidefallHashMap.Entry::new);
        final List<Drained> drained = new ArrayList<>();
        /** Tables drained so far; writers keep writing until there are enough. */
        volatile int swaps;

        void swap() {
            MapTable<Integer, Object, TidefallHashMap.Entry<Integer, Object>> retired = current;
            current = new MapTable<>(retired.size(), TidefallHashMap.Entry::new); // installed before the seal, as Partition.swap does
            assertThat(retired.seal(Long.MAX_VALUE)).isTrue();
            drained.add(new Drained(retired, new ArrayList<>(retired.drain()), retired.size()));
            swaps = drained.size();
        }

        /** Whether writer {@code i}-th write should still come: a fixed count, and at least as long as some swaps take. */
        boolean more(int i) {
            return i < WRITES_PER_WRITER || swaps < MIN_SWAPS;
        }
    }

    private interface Writer {
        List<Op> write(int writer, Sealer sealer);
    }

    private static List<Op> race(Sealer sealer, Writer writer) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        AtomicBoolean writing = new AtomicBoolean(true);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<Op>>> logs = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int id = w;
                logs.add(pool.submit(() -> {
                    go.await();
                    return writer.write(id, sealer);
                }));
            }
            Throwable[] swapFailure = {null};
            Thread swapping = new Thread(() -> {
                try {
                    while (writing.get()) {
                        sealer.swap();
                        LockSupport.parkNanos(50_000); // paces the swaps: some writes land between two of them
                    }
                } catch (Throwable failure) {
                    swapFailure[0] = failure;
                    sealer.swaps = Integer.MAX_VALUE; // the writers stop at their fixed count
                }
            });
            swapping.start();
            go.countDown();
            List<Op> ops = new ArrayList<>();
            for (Future<List<Op>> log : logs) {
                ops.addAll(log.get(2, TimeUnit.MINUTES));
            }
            writing.set(false);
            swapping.join(TimeUnit.MINUTES.toMillis(1));
            assertThat(swapping.isAlive()).isFalse();
            assertThat(swapFailure[0]).as("what a swap (seal and drain) threw").isNull();
            sealer.swap(); // what the writers left in the last table
            assertThat(sealer.drained.size()).as("tables drained while writers ran").isGreaterThan(MIN_SWAPS);
            return ops;
        } finally {
            writing.set(false);
            pool.shutdownNow();
        }
    }

    /** Writes on the current table, and again on the fresh one whenever the current one was sealed. */
    private static Op write(Sealer sealer, int key, Object value, long version, int kind) {
        for (;;) {
            MapTable<Integer, Object, TidefallHashMap.Entry<Integer, Object>> table = sealer.current;
            WriteResult result = switch (kind) {
                case PUT -> table.put(key, value, Long.MAX_VALUE);
                case PUT_NEWER -> table.putNewer(key, value, version, Long.MAX_VALUE);
                default -> table.remove(key);
            };
            if (result != WriteResult.SEALED) {
                return new Op(table, key, value, version, kind, result);
            }
        }
    }

    private static final AtomicLong VERSIONS = new AtomicLong();

    @Test
    void putNewerOfTheSameKeysRacingSealsKeepsTheNewestVersionAndCountsEveryReplacement() throws Exception {
        Sealer sealer = new Sealer();
        List<Op> ops = race(sealer, (writer, s) -> {
            SplittableRandom random = new SplittableRandom(writer);
            List<Op> log = new ArrayList<>(WRITES_PER_WRITER);
            for (int i = 0; s.more(i); i++) {
                long version = VERSIONS.incrementAndGet(); // unique across writers
                log.add(write(s, random.nextInt(SHARED_KEYS), version, version, PUT_NEWER));
            }
            return log;
        });

        Map<MapTable<Integer, Object, TidefallHashMap.Entry<Integer, Object>>, List<Op>> byTable = byTable(ops);
        for (Drained drained : sealer.drained) {
            List<Op> written = byTable.getOrDefault(drained.table(), List.of());
            Map<Integer, Long> newest = new HashMap<>();
            Map<Integer, Integer> replacements = new HashMap<>();
            for (Op op : written) {
                assertThat(op.result()).isIn(WriteResult.WRITTEN, WriteResult.UNCHANGED);
                newest.merge(op.key(), op.version(), Math::max);
                if (op.result() == WriteResult.WRITTEN) {
                    replacements.merge(op.key(), 0, (a, b) -> a + 1); // the first write of a key replaces nothing
                }
            }
            assertThat(drained.entries()).extracting(TidefallHashMap.Entry::key)
                    .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(newest.keySet());
            assertThat(drained.size()).isEqualTo(drained.entries().size());
            for (TidefallHashMap.Entry<Integer, Object> entry : drained.entries()) {
                long version = newest.get(entry.key());
                assertThat(entry.version()).as("key %d", entry.key()).isEqualTo(version);
                assertThat(entry.value()).isEqualTo(version);
                assertThat(entry.updates()).as("key %d", entry.key()).isEqualTo(replacements.get(entry.key()));
            }
        }
        assertThat(sealer.drained.stream().mapToLong(d -> d.entries().size()).sum()).isPositive();
        assertThat(byTable.keySet()).allMatch(table -> sealer.drained.stream().anyMatch(d -> d.table() == table));
    }

    @Test
    void putsPutNewersAndDeletesRacingSealsLeaveEachTableWithWhatItsWritesLeaveInOrder() throws Exception {
        Sealer sealer = new Sealer();
        List<Op> ops = race(sealer, (writer, s) -> {
            SplittableRandom random = new SplittableRandom(100 + writer);
            List<Op> log = new ArrayList<>(WRITES_PER_WRITER);
            long version = 0;
            for (int i = 0; s.more(i); i++) {
                if (random.nextBoolean()) { // a key every writer writes with plain puts
                    log.add(write(s, random.nextInt(SHARED_KEYS), new Written(writer, i), 0, PUT));
                } else { // a key of this writer's own, which only it writes: its result is known
                    int key = 1_000 * (writer + 1) + random.nextInt(OWN_KEYS);
                    int kind = random.nextInt(3);
                    log.add(write(s, key, new Written(writer, i), kind == PUT_NEWER ? ++version : 0, kind));
                }
            }
            return log;
        });

        Map<MapTable<Integer, Object, TidefallHashMap.Entry<Integer, Object>>, List<Op>> byTable = byTable(ops);
        for (Drained drained : sealer.drained) {
            Map<Integer, TidefallHashMap.Entry<Integer, Object>> expectedOwn = new HashMap<>();
            Map<Integer, Map<Integer, Object>> lastPutByWriter = new HashMap<>(); // shared key -> writer -> its last value
            for (Op op : byTable.getOrDefault(drained.table(), List.of())) { // each writer's ops in its own order
                Written value = (Written) op.value();
                if (op.key() < SHARED_KEYS) {
                    assertThat(op.result()).isEqualTo(WriteResult.WRITTEN);
                    lastPutByWriter.computeIfAbsent(op.key(), k -> new HashMap<>()).put(value.writer(), value);
                    continue;
                }
                TidefallHashMap.Entry<Integer, Object> before = expectedOwn.get(op.key());
                switch (op.kind()) {
                    case PUT -> {
                        assertThat(op.result()).isEqualTo(WriteResult.WRITTEN);
                        expectedOwn.put(op.key(), new TidefallHashMap.Entry<>(op.key(), value, 0, 0));
                    }
                    case PUT_NEWER -> {
                        assertThat(op.result()).isEqualTo(WriteResult.WRITTEN); // versions rise, so each wins
                        int updates = before == null ? 0 : before.updates() + 1;
                        expectedOwn.put(op.key(), new TidefallHashMap.Entry<>(op.key(), value, op.version(), updates));
                    }
                    default -> {
                        assertThat(op.result()).as("delete of key %d, buffered: %s", op.key(), before)
                                .isEqualTo(before != null ? WriteResult.WRITTEN : WriteResult.UNCHANGED);
                        expectedOwn.remove(op.key());
                    }
                }
            }
            assertThat(drained.entries()).extracting(TidefallHashMap.Entry::key).doesNotHaveDuplicates();
            assertThat(drained.size()).isEqualTo(drained.entries().size());
            Map<Integer, TidefallHashMap.Entry<Integer, Object>> drainedOwn = new HashMap<>();
            for (TidefallHashMap.Entry<Integer, Object> entry : drained.entries()) {
                if (entry.key() < SHARED_KEYS) {
                    Written value = (Written) entry.value();
                    assertThat(entry.version()).isZero();
                    assertThat(lastPutByWriter.get(entry.key())).as("writers of shared key %d", entry.key())
                            .containsEntry(value.writer(), value); // no writer's own later put lost to its earlier one
                } else {
                    drainedOwn.put(entry.key(), entry);
                }
            }
            assertThat(drained.entries()).extracting(TidefallHashMap.Entry::key).filteredOn(key -> key < SHARED_KEYS)
                    .containsExactlyInAnyOrderElementsOf(lastPutByWriter.keySet());
            assertThat(drainedOwn).isEqualTo(expectedOwn);
        }
    }

    /** The ops each table took, each writer's in the order it wrote them. */
    private static Map<MapTable<Integer, Object, TidefallHashMap.Entry<Integer, Object>>, List<Op>> byTable(List<Op> ops) {
        Map<MapTable<Integer, Object, TidefallHashMap.Entry<Integer, Object>>, List<Op>> byTable = new IdentityHashMap<>();
        for (Op op : ops) {
            byTable.computeIfAbsent(op.table(), t -> new ArrayList<>()).add(op);
        }
        return byTable;
    }
}
