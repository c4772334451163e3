package io.tidefall.spring.autoconfigure.health;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

import io.tidefall.spring.actuate.TidefallHealthIndicator;

/** Settings of the {@code tidefall} health contributor. */
@ConfigurationProperties("management.health.tidefall")
public class TidefallHealthProperties {

    /**
     * How long a partition may retry a failed chunk before its buffer is reported DOWN. Longer
     * than a database failover usually takes, shorter than the delivery timeout, so the health
     * says so well before anything reaches the failure handler.
     */
    private Duration retryingThreshold = TidefallHealthIndicator.DEFAULT_RETRYING_THRESHOLD;

    /**
     * Whether the application's readiness follows the component: REFUSING_TRAFFIC while any
     * buffer is DOWN (it cannot deliver what it accepts), ACCEPTING_TRAFFIC again once all are UP.
     */
    private boolean readiness;

    public Duration getRetryingThreshold() {
        return this.retryingThreshold;
    }

    public void setRetryingThreshold(@Nullable Duration retryingThreshold) {
        if (retryingThreshold == null || retryingThreshold.isNegative()) {
            throw new IllegalArgumentException("retrying-threshold must be zero or a positive duration, but was " + retryingThreshold);
        }
        this.retryingThreshold = retryingThreshold;
    }

    public boolean isReadiness() {
        return this.readiness;
    }

    public void setReadiness(boolean readiness) {
        this.readiness = readiness;
    }
}
