package io.tidefall;

import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

/**
 * Every thread a buffer starts itself, made in one place: final drains at close, drains an
 * executor refused, timers the scheduler refused, and the threads of the default executor and
 * scheduler. They come from the
 * builder's {@code ThreadFactory} when one was given (virtual threads, say), otherwise they are
 * daemon platform threads; either way they are named {@code tidefall-<buffer>-<role>-<n>}, so a
 * thread dump says whose they are.
 */
final class OwnThreads {

    private final String buffer;
    /** The builder's, or {@code null}: daemon platform threads. */
    private final @Nullable ThreadFactory factory;
    private final AtomicInteger count = new AtomicInteger();

    OwnThreads(String buffer, @Nullable ThreadFactory factory) {
        this.buffer = buffer;
        this.factory = factory;
    }

    /** Starts {@code task} on a new thread named after the buffer and {@code role}. */
    Thread start(String role, Runnable task) {
        Thread thread = newThread(role, task);
        thread.start();
        return thread;
    }

    /**
     * Runs {@code task} once, {@code delay} from now, on a new thread, unless it is cancelled first:
     * the buffer's own timer, for when its scheduler refuses one. Like a scheduled future, a task
     * cancelled just as it becomes due may still run; every timer task of the engine checks that
     * it is still wanted.
     */
    Scheduler.Cancellable later(String role, Duration delay, Runnable task) {
        AtomicBoolean cancelled = new AtomicBoolean();
        long due = System.nanoTime() + delay.toNanos();
        Thread thread = start(role, () -> {
            for (long left = due - System.nanoTime(); left > 0 && !cancelled.get(); left = due - System.nanoTime()) {
                LockSupport.parkNanos(left);
            }
            if (!cancelled.get()) {
                task.run();
            }
        });
        return () -> {
            cancelled.set(true);
            LockSupport.unpark(thread); // the cancelled thread ends now rather than when the task was due
        };
    }

    /** A factory for a pool's threads, named after {@code role}. */
    ThreadFactory factory(String role) {
        return task -> newThread(role, task);
    }

    private Thread newThread(String role, Runnable task) {
        Thread thread;
        if (factory == null) {
            thread = new Thread(task);
            thread.setDaemon(true);
        } else {
            thread = factory.newThread(task);
            if (thread == null) {
                throw new IllegalStateException("The threadFactory of buffer '" + buffer + "' returned no thread");
            }
        }
        thread.setName("tidefall-" + buffer + "-" + role + "-" + count.incrementAndGet());
        return thread;
    }
}
