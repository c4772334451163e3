package io.tidefall.spring.test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

import io.tidefall.BatchProcessor;

/** One queue, {@code events}, whose processor keeps what it receives, and fails on "poison". */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
class TestApplication {

    @Bean
    Received received() {
        return new Received();
    }

    static class Received implements BatchProcessor<String> {

        final List<String> elements = new CopyOnWriteArrayList<>();

        @Override
        public void process(List<String> batch) {
            if (batch.contains("poison")) {
                throw new IllegalStateException("poison in " + batch);
            }
            this.elements.addAll(batch);
        }
    }
}
