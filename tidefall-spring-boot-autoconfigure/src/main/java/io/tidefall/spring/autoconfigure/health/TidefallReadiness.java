package io.tidefall.spring.autoconfigure.health;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

import io.tidefall.spring.actuate.TidefallHealthIndicator;

/**
 * Takes the application out of readiness while the {@code tidefall} health component is DOWN, and
 * back in once it is UP: a load balancer then stops sending writes that would only pile up in a
 * buffer that cannot deliver. It publishes {@link ReadinessState} changes (the
 * {@code readinessState} contributor and {@code /actuator/health/readiness} follow them), only on
 * a change of the component's status, so other sources of readiness keep working between
 * changes. Checks every second on a daemon thread of its own, in the last lifecycle phase: it
 * starts after the buffers and stops before them.
 */
class TidefallReadiness implements SmartLifecycle {

    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

    private static final Log logger = LogFactory.getLog(TidefallReadiness.class);

    private final TidefallHealthIndicator indicator;
    private final ApplicationEventPublisher publisher;
    private final Duration interval;
    /** The status last published; confined to the checking thread (and start/stop, which precede and follow it). */
    private @Nullable Status published;
    private volatile @Nullable ScheduledExecutorService timer;

    TidefallReadiness(TidefallHealthIndicator indicator, ApplicationEventPublisher publisher, Duration interval) {
        this.indicator = indicator;
        this.publisher = publisher;
        this.interval = interval;
    }

    /** Publishes the readiness the component's status calls for, if it changed since the last check. */
    void check() {
        Status status = this.indicator.health(false).getStatus();
        if (status.equals(this.published)) {
            return;
        }
        boolean refusing = !Status.UP.equals(status);
        if (this.published != null || refusing) {
            ReadinessState state = refusing ? ReadinessState.REFUSING_TRAFFIC : ReadinessState.ACCEPTING_TRAFFIC;
            logger.info("Readiness " + state + ": the tidefall health component is " + status);
            AvailabilityChangeEvent.publish(this.publisher, this, state);
        }
        this.published = status;
    }

    @Override
    public void start() {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "tidefall-readiness");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::checkQuietly, 0, this.interval.toMillis(), TimeUnit.MILLISECONDS);
        this.timer = timer;
    }

    private void checkQuietly() {
        try {
            check();
        } catch (RuntimeException failure) { // the next check tries again
            logger.warn("Could not check the tidefall health component for readiness", failure);
        }
    }

    @Override
    public void stop() {
        ScheduledExecutorService timer = this.timer;
        if (timer != null) {
            timer.shutdownNow();
            this.timer = null;
        }
    }

    @Override
    public boolean isRunning() {
        return this.timer != null;
    }
}
