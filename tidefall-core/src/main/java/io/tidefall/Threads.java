package io.tidefall;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * Every thread a buffer starts itself, made in one place: final drains at close, drains an
 * executor refused, and the threads of the default executor and scheduler. They come from the
 * builder's {@code ThreadFactory} when one was given (virtual threads, say), otherwise they are
 * daemon platform threads; either way they are named {@code tidefall-<buffer>-<role>-<n>}, so a
 * thread dump says whose they are.
 */
final class Threads {

    private final String buffer;
    /** The builder's, or {@code null}: daemon platform threads. */
    private final @Nullable ThreadFactory factory;
    private final AtomicInteger count = new AtomicInteger();

    Threads(String buffer, @Nullable ThreadFactory factory) {
        this.buffer = buffer;
        this.factory = factory;
    }

    /** Starts {@code task} on a new thread named after the buffer and {@code role}. */
    Thread start(String role, Runnable task) {
        Thread thread = newThread(role, task);
        thread.start();
        return thread;
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
