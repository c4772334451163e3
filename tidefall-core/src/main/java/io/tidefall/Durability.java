package io.tidefall;

/**
 * What a write that returned survives. Set with {@link BufferBuilder#durability}; anything but
 * {@link #MEMORY} needs a {@linkplain BufferBuilder#journalDirectory journal directory} and a codec
 * for the buffer's elements.
 */
public enum Durability {

    /** The write is in memory only: the process's death loses what was not yet delivered. The default. */
    MEMORY,

    /**
     * Before the write returns, its record is in the buffer's write-ahead journal, written to the
     * operating system (no fsync): it survives the process's death (kill -9, an OOM kill, a JVM
     * crash), not the machine's.
     */
    PROCESS,

    /**
     * Before the write returns, its record is on stable storage (fsync). Concurrent writers share
     * one fsync (group commit): a writer waits for the force of the group it joined, no longer.
     */
    SYNC
}
