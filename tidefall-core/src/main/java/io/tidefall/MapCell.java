package io.tidefall;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One key's slot in a {@link MapTable}: what the key's writes left. It holds the value of a plain
 * {@code put} (bare: last-write-wins costs no allocation for a present key), a {@link Versioned}
 * after a {@code putNewer}, {@link #VACANT} after a {@code delete}, or {@link #FROZEN} once the
 * drain has read it. The sentinels are engine objects no user can hold, so a user's value is never
 * mistaken for one of them.
 *
 * <p>{@code stored} is read with volatile semantics and changed only by {@link #compareAndSet}
 * (every writer of the key) and {@link #freeze} (the drain, once): the table's class comment says
 * who may make which change, and why that loses no write.
 */
final class MapCell {

    /** What a cell holds after its key was deleted: no entry. */
    static final Object VACANT = new Object();

    /** What a cell holds once the drain has read it: a write that finds it retries on the partition's fresh table. */
    static final Object FROZEN = new Object();

    private static final VarHandle STORED;

    static {
        try {
            STORED = MethodHandles.lookup().findVarHandle(MapCell.class, "stored", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    volatile Object stored;

    MapCell(Object first) {
        // A plain store: the map's putIfAbsent publishes the cell (with release semantics)
        // before any other thread can find it, so no fence of its own is needed here.
        STORED.set(this, first);
    }

    /** Replaces {@code expected} with {@code next}, atomically; {@code false} if another write came first. */
    boolean compareAndSet(Object expected, Object next) {
        return STORED.compareAndSet(this, expected, next);
    }

    /**
     * Takes what the cell holds for the drained list and leaves {@link #FROZEN}: every write to
     * the cell is a compare-and-set that refuses a frozen cell, so each one either came before
     * this exchange (and is what it returns, or was replaced by what it returns) or fails and
     * retries on the partition's fresh table. Called once per cell, by the one thread that fills
     * the drained list.
     */
    Object freeze() {
        return STORED.getAndSet(this, FROZEN);
    }

    /** A value written by {@code putNewer}, with the version it won with; immutable. */
    static final class Versioned {
        final Object value;
        final long version;
        /** How many times a {@code putNewer} replaced this key's value in this table, this one included (0: it replaced nothing). */
        final int updates;

        Versioned(Object value, long version, int updates) {
            this.value = value;
            this.version = version;
            this.updates = updates;
        }
    }
}
