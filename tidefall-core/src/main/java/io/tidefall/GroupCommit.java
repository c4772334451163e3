package io.tidefall;

import java.io.IOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

/**
 * SYNC's group commit for one journal segment: writers that committed their frames share one
 * force. A writer counts itself in after its frame was committed, so a force that starts after
 * that covers it. The first writer that finds no force under way runs the force, with the lock
 * released meanwhile, so the writers that come during it form the next group; each waits for a
 * force that started after it counted itself in, never for a later one.
 *
 * <p>{@code lock} (a {@link ReentrantLock}: a virtual thread waiting on its condition frees its
 * carrier; no {@code synchronized} holds a wait or a force) guards every other field.
 */
final class GroupCommit {

    /** Forces what the writers committed so far (every part of the segment). */
    @FunctionalInterface
    interface Force {
        void run() throws IOException;
    }

    private final Force force;
    private final JournalStatsCounter stats;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition forcedCondition = lock.newCondition();
    private long appended;
    private long forced;
    private boolean forcing;
    private boolean ended;
    private @Nullable IOException failure;

    GroupCommit(Force force, JournalStatsCounter stats) {
        this.force = force;
        this.stats = stats;
    }

    /**
     * Returns once a force covered every frame committed so far, or the segment ended.
     *
     * @throws IOException the force that would have covered it failed (and every later write fails with it)
     */
    void await() throws IOException {
        lock.lock();
        try {
            long mine = ++appended;
            while (forced < mine && !ended) {
                if (failure != null) {
                    throw failure;
                }
                if (forcing) {
                    forcedCondition.awaitUninterruptibly(); // the force under way may not cover us: wait, then look again
                    continue;
                }
                forcing = true;
                long target = appended;
                IOException failed = null;
                long start = System.nanoTime();
                lock.unlock(); // the writers that commit during the force form the next group
                try {
                    force.run();
                } catch (IOException e) {
                    failed = e;
                } finally {
                    lock.lock();
                }
                stats.synced(System.nanoTime() - start);
                forcing = false;
                if (failed != null && !ended) {
                    failure = failed;
                } else {
                    forced = Math.max(forced, target);
                }
                forcedCondition.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The segment settled: a writer waiting for a force has nothing left to wait for. */
    void end() {
        lock.lock();
        try {
            ended = true;
            forcedCondition.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Why a force failed, or {@code null}. */
    @Nullable IOException failure() {
        lock.lock();
        try {
            return failure;
        } finally {
            lock.unlock();
        }
    }
}
