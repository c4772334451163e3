package io.tidefall.spring.autoconfigure;

import java.io.UncheckedIOException;
import java.nio.file.Path;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.system.ApplicationTemp;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

import io.tidefall.Buffer;
import io.tidefall.spring.TidefallBuffers;
import io.tidefall.spring.TidefallConfigurationException;
import io.tidefall.spring.deadletter.DeadLetterHealer;
import io.tidefall.spring.deadletter.DeadLetterStore;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Auto-configuration for the dead-letter store: on unless {@code tidefall.dead-letter.enabled=false},
 * with Jackson on the class path, so that no buffer discards by default. The store, bean
 * {@value #STORE_BEAN}, becomes the failure handler of every buffer that does not name one. Its
 * directory is {@code tidefall.dead-letter.directory}, else a folder of the application's
 * temporary directory, said at startup. While it holds elements of a buffer, the
 * {@link DeadLetterHealer} probes that buffer's sink and replays them once it takes writes again
 * (unless {@code tidefall.dead-letter.self-heal=false}); with
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
@ConditionalOnBooleanProperty(name = "tidefall.dead-letter.enabled", matchIfMissing = true)
public final class TidefallDeadLetterAutoConfiguration {

    /** The store's bean name: buffers without a {@code failure-handler} of their own use the bean of this name. */
    public static final String STORE_BEAN = DeadLetterStore.BEAN_NAME;

    /** The folder of the application's temporary directory that holds the dead letters when no directory is set. */
    static final String DEFAULT_FOLDER = "tidefall-dead-letters";

    private static final Log logger = LogFactory.getLog(TidefallDeadLetterAutoConfiguration.class);

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
        Path directory = deadLetter.getDirectory();
        if (directory == null) {
            directory = new ApplicationTemp().getDir(DEFAULT_FOLDER).toPath();
            logger.info("Dead letters go to " + directory + ", in the application's temporary directory, since "
                    + "tidefall.dead-letter.directory is not set; a new container or a restart of the machine may not keep it: "
                    + "set tidefall.dead-letter.directory to a persistent volume");
        }
        ObjectMapper mapper = mappers.getIfUnique(() -> JsonMapper.builder().build());
        try {
            return new DeadLetterStore(directory, deadLetter.getMaxSize(), mapper, resourceLoader.getClassLoader());
        } catch (UncheckedIOException unusable) {
            throw new TidefallConfigurationException(null,
                    "tidefall.dead-letter.directory is '" + directory + "', which cannot be used: "
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

    @Bean
    @ConditionalOnBooleanProperty(name = "tidefall.dead-letter.self-heal", matchIfMissing = true)
    DeadLetterHealing tidefallDeadLetterHealing(DeadLetterStore store, TidefallBuffers buffers, TidefallProperties properties) {
        TidefallProperties.DeadLetter deadLetter = properties.getDeadLetter();
        DeadLetterHealer healer;
        try {
            healer = new DeadLetterHealer(store, buffers, deadLetter.getProbeBackoff(), deadLetter.getProbeBackoffMax());
        } catch (IllegalArgumentException invalid) {
            throw new TidefallConfigurationException(null,
                    "tidefall.dead-letter.probe-backoff is '" + deadLetter.getProbeBackoff() + "' and probe-backoff-max '"
                            + deadLetter.getProbeBackoffMax() + "', which is invalid: " + invalid.getMessage() + ".",
                    "Set tidefall.dead-letter.probe-backoff to a positive duration such as 1s, and probe-backoff-max to at"
                            + " least that, such as 30s.");
        }
        return new DeadLetterHealing(healer, DeadLetterHealing.DEFAULT_INTERVAL);
    }
}
