package io.tidefall.spring.autoconfigure.health;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import io.tidefall.Buffer;
import io.tidefall.spring.TidefallBuffers;
import io.tidefall.spring.actuate.TidefallHealthIndicator;
import io.tidefall.spring.autoconfigure.TidefallAutoConfiguration;

/**
 * Auto-configuration for the {@code tidefall} health contributor: with Spring Boot's health
 * support on the classpath, unless {@code management.health.tidefall.enabled=false}. A buffer is
 * DOWN once a partition has retried a failed chunk for longer than
 * {@code management.health.tidefall.retrying-threshold}.
 */
@AutoConfiguration(after = TidefallAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, Buffer.class })
@ConditionalOnBean(TidefallBuffers.class)
@ConditionalOnEnabledHealthIndicator("tidefall")
@EnableConfigurationProperties(TidefallHealthProperties.class)
public final class TidefallHealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "tidefallHealthIndicator")
    TidefallHealthIndicator tidefallHealthIndicator(TidefallBuffers buffers, TidefallHealthProperties properties) {
        return new TidefallHealthIndicator(buffers, properties.getRetryingThreshold());
    }
}
