package io.tidefall.spring.autoconfigure;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;

import io.tidefall.Buffer;
import io.tidefall.BufferListener;
import io.tidefall.spring.TidefallBuffers;

/**
 * Starts every buffer (configured or declared as a {@code @Bean}) before the web server takes
 * requests, and closes each one, with its final drain, after the web server has stopped.
 *
 * <p>Phase: Spring starts lifecycles in ascending phase order and stops them in descending order.
 * Boot's web server starts and stops at {@code DEFAULT_PHASE - 2048} (its
 * {@code WebServerStartStopLifecycle}), after its graceful shutdown at {@code DEFAULT_PHASE - 1024}
 * has let in-flight requests finish. {@link #PHASE} is lower than both: the buffers run before the
 * first request is accepted, and are closed only once the last accepted request has written to
 * them, so the final drain holds every accepted write. Executors and schedulers stop earlier (they
 * pause at {@code DEFAULT_PHASE} and refuse work once the context closes), which is why
 * {@link Buffer#close()} drains on threads of its own.
 *
 * <p>Before starting, every {@link BufferListener} bean is added to every buffer: that is how an
 * integration (metrics, health) observes buffers it did not build.
 */
class TidefallLifecycle implements SmartLifecycle {

    /** Below the web server's start/stop phase ({@code DEFAULT_PHASE - 2048}), with room to spare. */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private static final Log logger = LogFactory.getLog(TidefallLifecycle.class);

    private final TidefallBuffers buffers;
    private final TidefallProcessors processors;
    private final ObjectProvider<BufferListener> listeners;
    private final List<Buffer> started = new ArrayList<>();
    private volatile boolean running;

    TidefallLifecycle(TidefallBuffers buffers, TidefallProcessors processors, ObjectProvider<BufferListener> listeners) {
        this.buffers = buffers;
        this.processors = processors;
        this.listeners = listeners;
    }

    @Override
    public synchronized void start() {
        if (this.running) {
            return;
        }
        this.processors.bindAll();
        Collection<Buffer> all = this.buffers.all();
        List<BufferListener> beans = this.listeners.orderedStream().toList();
        for (Buffer buffer : all) {
            for (BufferListener listener : beans) {
                buffer.removeListener(listener); // never twice, even if the application also gave it to the builder
                buffer.addListener(listener);
            }
        }
        for (Buffer buffer : all) {
            buffer.start();
            this.started.add(buffer);
        }
        this.running = true;
        if (logger.isDebugEnabled()) {
            logger.debug("Started Tidefall buffers " + this.buffers.names());
        }
    }

    /**
     * Closes the buffers concurrently, so the shutdown takes as long as the slowest final drain
     * (each bounded by its processing timeout), not their sum.
     */
    @Override
    public synchronized void stop() {
        if (!this.running) {
            return;
        }
        this.running = false;
        List<Thread> closing = new ArrayList<>();
        for (Buffer buffer : this.started) {
            Thread thread = new Thread(() -> close(buffer), "tidefall-close-" + buffer.name());
            thread.start();
            closing.add(thread);
        }
        boolean interrupted = false;
        for (Thread thread : closing) {
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true; // keep waiting: the final drains hold accepted writes
                }
            }
        }
        this.started.clear();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void close(Buffer buffer) {
        try {
            buffer.close();
        } catch (RuntimeException failure) {
            logger.warn("Closing Tidefall buffer '" + buffer.name() + "' failed", failure);
        }
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
