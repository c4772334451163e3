package io.tidefall.sample;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.tidefall.BatchProcessor;

/**
 * The processor of the buffer {@code events}, named by {@code tidefall.buffers.events.processor}
 * in {@code application.yml}. (The buffer {@code presence} shows the other style: a
 * {@code @TidefallProcessor} method, {@link PresenceStore#upsertAll}.)
 */
@Configuration(proxyBeanMethods = false)
class SampleConfiguration {

    @Bean
    BatchProcessor<PageView> pageViewWriter(PageViewStore store) {
        return store::insertAll;
    }
}
