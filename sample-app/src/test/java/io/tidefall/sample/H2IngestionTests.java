package io.tidefall.sample;

import static org.assertj.core.api.Assertions.assertThat;


import org.junit.jupiter.api.Test;

/** The ingestion flow on the default database: embedded H2. */
class H2IngestionTests extends IngestionFlowTests {

    @Test
    void theDefaultDatabaseIsEmbeddedH2() {
        assertThat(databaseProduct()).isEqualTo("H2");
    }
}
