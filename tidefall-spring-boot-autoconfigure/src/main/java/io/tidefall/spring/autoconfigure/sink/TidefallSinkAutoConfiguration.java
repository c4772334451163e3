package io.tidefall.spring.autoconfigure.sink;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.tidefall.spring.TidefallBuffers;
import io.tidefall.spring.autoconfigure.TidefallAutoConfiguration;
import io.tidefall.spring.sink.ItemWriterSinkFactory;
import io.tidefall.spring.sink.JdbcSinkFactory;
import io.tidefall.spring.sink.KafkaSinkFactory;

/**
 * One {@link io.tidefall.spring.sink.SinkFactory} per sink kind whose library is on the class path:
 * Spring JDBC ({@code sink.jdbc}), Spring Batch ({@code sink.item-writer}), Spring Kafka
 * ({@code sink.kafka}). A buffer that configures a kind whose factory is absent is refused at
 * startup with the dependency to add. An application bean of the same type replaces each.
 */
@AutoConfiguration(after = TidefallAutoConfiguration.class)
@ConditionalOnBean(TidefallBuffers.class)
public final class TidefallSinkAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate")
    static class JdbcSinkConfiguration {

        @Bean
        @ConditionalOnMissingBean
        JdbcSinkFactory tidefallJdbcSinkFactory(ListableBeanFactory beans) {
            return new JdbcSinkFactory(beans);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.batch.infrastructure.item.ItemWriter")
    static class ItemWriterSinkConfiguration {

        @Bean
        @ConditionalOnMissingBean
        ItemWriterSinkFactory tidefallItemWriterSinkFactory(ListableBeanFactory beans) {
            return new ItemWriterSinkFactory(beans);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.kafka.core.KafkaTemplate")
    static class KafkaSinkConfiguration {

        @Bean
        @ConditionalOnMissingBean
        KafkaSinkFactory tidefallKafkaSinkFactory(ListableBeanFactory beans) {
            return new KafkaSinkFactory(beans);
        }
    }
}
