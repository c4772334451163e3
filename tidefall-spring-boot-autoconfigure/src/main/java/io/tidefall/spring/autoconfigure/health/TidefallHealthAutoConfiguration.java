package io.tidefall.spring.autoconfigure.health;

import java.time.Clock;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;

import io.tidefall.Buffer;
import io.tidefall.spring.TidefallBuffers;
import io.tidefall.spring.actuate.TidefallHealthIndicator;
import io.tidefall.spring.autoconfigure.TidefallAutoConfiguration;
import io.tidefall.spring.deadletter.DeadLetters;

/**
 * Auto-configuration for the {@code tidefall} health contributor: with Spring Boot's health
 * support on the classpath, unless {@code management.health.tidefall.enabled=false}. A buffer is
 * DOWN once a partition has retried a failed chunk for longer than
 * {@code management.health.tidefall.retrying-threshold}, while a drain has held elements for that
 * long, or while dead letters wait. With {@code management.health.tidefall.readiness=true}, the
 * application's readiness follows the component ({@link TidefallReadiness}).
 */
@AutoConfiguration(after = TidefallAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, Buffer.class })
@ConditionalOnBean(TidefallBuffers.class)
@ConditionalOnEnabledHealthIndicator("tidefall")
@EnableConfigurationProperties(TidefallHealthProperties.class)
public final class TidefallHealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "tidefallHealthIndicator")
    TidefallHealthIndicator tidefallHealthIndicator(TidefallBuffers buffers, TidefallHealthProperties properties,
            ObjectProvider<DeadLetters> deadLetters) {
        return new TidefallHealthIndicator(buffers, deadLetters.getIfUnique(), Clock.systemUTC(),
                properties.getRetryingThreshold());
    }

    @Bean
    @ConditionalOnBooleanProperty("management.health.tidefall.readiness")
    @ConditionalOnBean(TidefallHealthIndicator.class)
    TidefallReadiness tidefallReadiness(TidefallHealthIndicator indicator, ApplicationEventPublisher publisher) {
        return new TidefallReadiness(indicator, publisher, TidefallReadiness.DEFAULT_INTERVAL);
    }
}
