package io.tidefall.spring.autoconfigure.exit;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

import io.tidefall.BatchProcessor;
import io.tidefall.TidefallQueue;

/**
 * A plain (non-web) application as users write them: a {@code CommandLineRunner} pushes its work
 * and returns, and nothing calls {@code System.exit}. The JVM must end on its own, having drained
 * every element: the processor's total is printed once the context is closed.
 */
@SpringBootApplication(proxyBeanMethods = false)
public class BatchApplication {

    static final int ELEMENTS = 10_000;

    private final AtomicLong delivered = new AtomicLong();

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(BatchApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setDefaultProperties(Map.of(
                "tidefall.buffers.work.processor", "counter",
                "tidefall.buffers.work.processing-interval", "50ms"));
        application.run(args);
    }

    @Bean
    BatchProcessor<Integer> counter() {
        return (List<Integer> batch) -> this.delivered.addAndGet(batch.size());
    }

    @Bean
    CommandLineRunner pushWork(@Qualifier("work") TidefallQueue<Integer> work) {
        return args -> {
            for (int i = 0; i < ELEMENTS; i++) {
                work.push(i);
            }
        };
    }

    /** Destroyed after the lifecycles stopped, so after the final drains. */
    @Bean
    DisposableBean reporter() {
        return () -> System.out.println("delivered " + this.delivered.get());
    }
}
