package io.tidefall.spring.autoconfigure;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A misspelt {@code tidefall.*} key fails the startup with the closest valid name, as a user sees
 * it: through {@link SpringApplication} and the failure analyzers registered in
 * {@code META-INF/spring.factories}.
 */
@ExtendWith(OutputCaptureExtension.class)
class TidefallUnknownPropertyFailureAnalyzerTests {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            tidefall.buffers.events.procesing-interval | tidefall.buffers.events.processing-interval
            tidefall.buffers.events.processingIntervall | tidefall.buffers.events.processing-interval
            tidefall.buffers.events.retry_backof        | tidefall.buffers.events.retry-backoff
            tidefall.buffers.events.partition           | tidefall.buffers.events.partitions
            tidefall.buffers.events.procesor            | tidefall.buffers.events.processor
            tidefall.buffers.events.sink.jbdc.sql       | tidefall.buffers.events.sink.jdbc
            tidefall.defaults.delivery-timout           | tidefall.defaults.delivery-timeout
            tidefall.defaults.capacty                   | tidefall.defaults.capacity
            tidefall.dead-letter.directry               | tidefall.dead-letter.directory
            tidefall.schedular                          | tidefall.scheduler
            """)
    void aMisspeltKeyShouldFailNamingTheClosestValidName(String misspelt, String meant, CapturedOutput output) {
        assertThatException().isThrownBy(() -> run("--" + misspelt + "=5s"));
        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("Property: " + misspelt)
                .contains("Value: \"5s\"")
                .contains("Did you mean: " + meant + "?")
                .contains("Rename " + misspelt + " to " + meant + ".")
                .doesNotContain("Bindable@");
    }

    @Test
    void aKeyFarFromEveryValidNameShouldFailListingTheNamesThatCanStandThere(CapturedOutput output) {
        assertThatException().isThrownBy(() -> run("--tidefall.buffers.events.colour=blue"));
        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("Property: tidefall.buffers.events.colour")
                .contains("Value: \"blue\"")
                .contains("Remove tidefall.buffers.events.colour, or use one of the names that can stand there: ")
                .contains("processor").contains("type").contains("processing-interval").contains("delivery-timeout")
                .doesNotContain("Did you mean");
    }

    /** An option is valid only where options stand: under a buffer or the defaults, not at the top. */
    @Test
    void anOptionInTheWrongPlaceShouldFailNamingTheNamesThatCanStandThere(CapturedOutput output) {
        assertThatException().isThrownBy(() -> run("--tidefall.processing-interval=5s"));
        assertThat(output).contains("Property: tidefall.processing-interval")
                .contains("use one of the names that can stand there: ").contains("defaults").contains("buffers");
    }

    @Test
    void aValueGivenKeysShouldFailSayingItTakesASingleValue(CapturedOutput output) {
        assertThatException().isThrownBy(() -> run("--tidefall.buffers.events.processing-interval.max=5s"));
        assertThat(output).contains("Property: tidefall.buffers.events.processing-interval.max")
                .contains("Remove tidefall.buffers.events.processing-interval.max: tidefall.buffers.events.processing-interval"
                        + " takes a single value");
    }

    /** The same application starts when the key is right: the failures above are the misspelling's. */
    @Test
    void aValidConfigurationStarts() {
        run("--tidefall.buffers.events.processing-interval=5s").close();
    }

    /**
     * Environment variables are not the application's configuration: a machine may well have
     * {@code TIDEFALL_TEST_POSTGRES_URL} or {@code TIDEFALL_HOME}, which relaxed binding reads as
     * {@code tidefall.test.postgres.url}. Spring Boot's own check of unknown keys leaves the
     * environment variables and system properties out, and so does Tidefall's.
     */
    @Test
    void environmentVariablesAndSystemPropertiesUnderTheTidefallPrefixAreNotChecked() {
        StandardEnvironment environment = new StandardEnvironment();
        MutablePropertySources sources = environment.getPropertySources();
        sources.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        Map.of("TIDEFALL_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1/tidefall", "TIDEFALL_HOME", "/opt/tidefall")));
        sources.replace(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME,
                new MapPropertySource(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME, Map.of("tidefall.colour", "blue")));
        SpringApplication application = application();
        application.setEnvironment(environment);
        application.run("--tidefall.buffers.events.processor=recorder").close();
    }

    private static org.springframework.context.ConfigurableApplicationContext run(String... arguments) {
        SpringApplication application = application();
        String[] all = new String[arguments.length + 1];
        all[0] = "--tidefall.buffers.events.processor=recorder";
        System.arraycopy(arguments, 0, all, 1, arguments.length);
        return application.run(all);
    }

    private static SpringApplication application() {
        SpringApplication application = new SpringApplication(TidefallConfigurationFailureAnalyzerTests.Application.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        return application;
    }
}
