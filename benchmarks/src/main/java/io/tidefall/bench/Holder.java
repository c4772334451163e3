package io.tidefall.bench;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The ceiling's shape: a bare JDK table behind a volatile reference that a background thread
 * replaces every interval, as a buffer's partition does. The retired table is dropped, not read:
 * this is what a buffer could cost if swapping and handing off were free.
 */
final class Holder<T> implements AutoCloseable {

    private final Supplier<T> tables;
    private final ScheduledExecutorService swapper;

    /** Read by every write, like a partition's current table. */
    volatile T table;

    Holder(Supplier<T> tables, String interval) {
        this.tables = tables;
        this.table = tables.get();
        this.swapper = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "ceiling-swapper");
            thread.setDaemon(true);
            return thread;
        });
        long nanos = Fixtures.parse(interval).toNanos();
        swapper.scheduleAtFixedRate(() -> table = this.tables.get(), nanos, nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        swapper.shutdownNow();
        swapper.awaitTermination(10, TimeUnit.SECONDS);
    }
}
