package io.tidefall.spring.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;

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
 * <p>Stopping is asynchronous ({@link #stop(Runnable)}): the buffers close concurrently on threads
 * of their own, each within {@code spring.lifecycle.timeout-per-shutdown-phase} (30 s by default)
 * less a margin, handing what is not delivered by then to its failure handler; Spring waits for
 * them at most that timeout before it goes on closing the context. A context that is only stopped
 * ({@code context.stop()}, as before a checkpoint) is not closing: its buffers are flushed, not
 * closed, and keep running, so a later {@code context.start()} finds them working.
 *
 * <p>Before starting, every {@link BufferListener} bean is added to every buffer: that is how an
 * integration (metrics, health) observes buffers it did not build. So is a {@link DropLog}, so
 * that writes discarded under {@code overflow: drop} are logged, not only counted.
 *
 * <p>Threads: Spring calls {@code start} and {@code stop} one at a time (both synchronized here);
 * {@code closing} is written by the event thread before Spring stops lifecycles, on the same
 * thread, and is volatile for the closing threads' benefit.
 */
class TidefallLifecycle implements SmartLifecycle, ApplicationListener<ContextClosedEvent>, ApplicationContextAware {

    /** Below the web server's start/stop phase ({@code DEFAULT_PHASE - 2048}), with room to spare. */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private static final Log logger = LogFactory.getLog(TidefallLifecycle.class);

    private final TidefallBuffers buffers;
    private final ProcessorBinder processors;
    private final ObjectProvider<BufferListener> listeners;
    private final Duration shutdownPhase;
    private final List<Buffer> started = new ArrayList<>();
    private final DropLog dropLog = new DropLog();
    private ApplicationContext context;
    private volatile boolean running;
    private volatile boolean closing;

    /**
     * @param shutdownPhase how long Spring waits for this lifecycle to stop
     *     ({@code spring.lifecycle.timeout-per-shutdown-phase})
     */
    TidefallLifecycle(TidefallBuffers buffers, ProcessorBinder processors, ObjectProvider<BufferListener> listeners,
            Duration shutdownPhase) {
        this.buffers = buffers;
        this.processors = processors;
        this.listeners = listeners;
        this.shutdownPhase = shutdownPhase;
    }

    @Override
    public void setApplicationContext(ApplicationContext context) {
        this.context = context;
    }

    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        if (event.getApplicationContext() == this.context) {
            this.closing = true;
        }
    }

    @Override
    public synchronized void start() {
        if (this.running) {
            return;
        }
        this.processors.bindAll();
        Collection<Buffer> all = this.buffers.all();
        List<BufferListener> beans = new ArrayList<>(this.listeners.orderedStream().toList());
        beans.add(this.dropLog); // not a bean, so that an application's single BufferListener bean stays the only one
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

    @Override
    public void stop() {
        CountDownLatch stopped = new CountDownLatch(1);
        stop(stopped::countDown);
        boolean interrupted = false;
        for (;;) {
            try {
                stopped.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // keep waiting: the final drains hold accepted writes
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * When the context closes: closes the buffers concurrently, each on a thread of its own, and
     * calls {@code callback} once all are closed, so the shutdown takes as long as the slowest
     * final drain, not their sum, and Spring stops waiting for it after its shutdown phase
     * timeout. When the context is only stopped: flushes them, and they keep running (this
     * lifecycle stays running too, so a later {@code context.start()} has nothing to do).
     */
    @Override
    public synchronized void stop(Runnable callback) {
        if (!this.running) {
            callback.run();
            return;
        }
        boolean close = this.closing;
        List<Buffer> buffers = new ArrayList<>(this.started);
        if (close) {
            this.running = false;
            this.started.clear();
        }
        if (buffers.isEmpty()) {
            callback.run();
            return;
        }
        AtomicInteger remaining = new AtomicInteger(buffers.size());
        Duration budget = closeBudget();
        for (Buffer buffer : buffers) {
            Thread thread = new Thread(() -> {
                try {
                    if (close) {
                        // What the final drain has not delivered within the budget goes to the failure handler
                        // (reason SHUTDOWN): every accepted write is accounted for before Spring stops waiting.
                        buffer.close(budget);
                    } else {
                        buffer.flush();
                    }
                } catch (RuntimeException failure) {
                    logger.warn((close ? "Closing" : "Flushing") + " Tidefall buffer '" + buffer.name() + "' failed", failure);
                } finally {
                    if (remaining.decrementAndGet() == 0) {
                        callback.run();
                    }
                }
            }, "tidefall-" + (close ? "close-" : "flush-") + buffer.name());
            thread.start();
        }
    }

    /** What a buffer's final drain may take: the shutdown phase, less a margin for Spring's own work. */
    Duration closeBudget() {
        Duration margin = this.shutdownPhase.dividedBy(10);
        return this.shutdownPhase.minus(margin.compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1) : margin);
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
