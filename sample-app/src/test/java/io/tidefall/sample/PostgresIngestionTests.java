package io.tidefall.sample;

import static org.assertj.core.api.Assertions.assertThat;


import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The ingestion flow on PostgreSQL, with the application's {@code postgres} profile. Runs when
 * {@code TIDEFALL_TEST_POSTGRES_URL} holds a JDBC URL (with {@code TIDEFALL_TEST_POSTGRES_USER} and
 * {@code TIDEFALL_TEST_POSTGRES_PASSWORD}, or credentials in the URL); skipped otherwise.
 * {@code .ci/run} starts a throwaway PostgreSQL and sets them. The tests empty both tables.
 */
@EnabledIfEnvironmentVariable(named = PostgresIngestionTests.URL, matches = ".+")
@ActiveProfiles("postgres")
class PostgresIngestionTests extends IngestionFlowTests {

    static final String URL = "TIDEFALL_TEST_POSTGRES_URL";

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry properties) {
        properties.add("spring.datasource.url", () -> System.getenv(URL));
        String user = System.getenv("TIDEFALL_TEST_POSTGRES_USER");
        String password = System.getenv("TIDEFALL_TEST_POSTGRES_PASSWORD");
        // Unset: no credentials beyond the URL's own (the profile's defaults would not match them).
        properties.add("spring.datasource.username", () -> user == null ? "" : user);
        properties.add("spring.datasource.password", () -> password == null ? "" : password);
    }

    @Test
    void theDatabaseIsPostgres() {
        assertThat(databaseProduct()).isEqualTo("PostgreSQL");
    }
}
