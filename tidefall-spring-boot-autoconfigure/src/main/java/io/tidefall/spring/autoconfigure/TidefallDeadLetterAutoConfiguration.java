package io.tidefall.spring.autoconfigure;

import java.io.UncheckedIOException;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

import io.tidefall.Buffer;
import io.tidefall.spring.TidefallBuffers;
import io.tidefall.spring.TidefallConfigurationException;
import io.tidefall.spring.deadletter.DeadLetterStore;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Auto-configuration for the dead-letter store: on when {@code tidefall.dead-letter.directory} is
 * set and Jackson is on the class path. The store, bean {@value #STORE_BEAN}, becomes the failure
 * handler of every buffer that does not name one; with
 * {@code tidefall.dead-letter.replay-on-start=true}, what it holds is pushed back into the buffers
 * as soon as they run.
 *
 * <p>Elements are written with the application's {@code JsonMapper} (Boot's, customized by
 * {@code spring.jackson.*}), so they are stored as the application's JSON shows them.
 */
@AutoConfiguration(after = TidefallAutoConfiguration.class,
        afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnClass({ Buffer.class, ObjectMapper.class })
@ConditionalOnBean(TidefallBuffers.class)
@ConditionalOnProperty(prefix = "tidefall.dead-letter", name = "directory")
public final class TidefallDeadLetterAutoConfiguration {

    /** The store's bean name: buffers without a {@code failure-handler} of their own use the bean of this name. */
    public static final String STORE_BEAN = DeadLetterStore.BEAN_NAME;

    @Bean(STORE_BEAN)
    @ConditionalOnMissingBean(DeadLetterStore.class)
    DeadLetterStore tidefallDeadLetterStore(TidefallProperties properties, ObjectProvider<ObjectMapper> mappers,
            ResourceLoader resourceLoader, Environment environment) {
        TidefallProperties.DeadLetter deadLetter = properties.getDeadLetter();
        if (deadLetter.getMaxSize() == null || deadLetter.getMaxSize().toBytes() <= 0) {
            String written = environment.getProperty("tidefall.dead-letter.max-size", String.valueOf(deadLetter.getMaxSize()));
            throw new TidefallConfigurationException(null,
                    "tidefall.dead-letter.max-size is '" + written + "', which is invalid: it must be positive.",
                    "Set tidefall.dead-letter.max-size to the most disk space the dead letters may take, such as 256MB.");
        }
        ObjectMapper mapper = mappers.getIfUnique(() -> JsonMapper.builder().build());
        try {
            return new DeadLetterStore(deadLetter.getDirectory(), deadLetter.getMaxSize(), mapper, resourceLoader.getClassLoader());
        } catch (UncheckedIOException unusable) {
            throw new TidefallConfigurationException(null,
                    "tidefall.dead-letter.directory is '" + deadLetter.getDirectory() + "', which cannot be used: "
                            + unusable.getCause() + ".",
                    "Set tidefall.dead-letter.directory to a directory the application can create and write to, on a disk"
                            + " that outlives the process (not a tmpfs) if the dead letters must survive a restart of the machine.");
        }
    }

    @Bean
    @ConditionalOnBooleanProperty("tidefall.dead-letter.replay-on-start")
    DeadLetterReplayOnStart tidefallDeadLetterReplayOnStart(DeadLetterStore store, TidefallBuffers buffers) {
        return new DeadLetterReplayOnStart(store, buffers);
    }
}
