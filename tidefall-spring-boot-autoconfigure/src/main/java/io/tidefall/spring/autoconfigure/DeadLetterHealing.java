package io.tidefall.spring.autoconfigure;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

import io.tidefall.spring.deadletter.DeadLetterHealer;

/**
 * Runs the {@link DeadLetterHealer} every second while the buffers run: it starts right after
 * {@link TidefallLifecycle} has started them and stops before they close. On a daemon thread of
 * its own rather than the application's scheduler: a replay writes into a buffer and may wait for
 * room in it ({@code overflow: block}), which must not hold up anyone's ticks.
 */
class DeadLetterHealing implements SmartLifecycle {

    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

    private static final Log logger = LogFactory.getLog(DeadLetterHealing.class);

    private final DeadLetterHealer healer;
    private final Duration interval;
    private volatile @Nullable ScheduledExecutorService timer;

    DeadLetterHealing(DeadLetterHealer healer, Duration interval) {
        this.healer = healer;
        this.interval = interval;
    }

    @Override
    public void start() {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "tidefall-dead-letter-healer");
            thread.setDaemon(true);
            return thread;
        });
        // check() catches what one buffer throws; a failure past it would end the schedule, so it is caught here too.
        timer.scheduleWithFixedDelay(() -> {
            try {
                this.healer.check();
            } catch (RuntimeException unexpected) {
                logger.warn("Dead-letter healing failed", unexpected);
            }
        }, this.interval.toMillis(), this.interval.toMillis(), TimeUnit.MILLISECONDS);
        this.timer = timer;
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

    @Override
    public int getPhase() {
        return TidefallLifecycle.PHASE + 1;
    }
}
