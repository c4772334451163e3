package io.tidefall.spring;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NameSuggestionsTests {

    @Test
    void suggestsTheClosestNameForASlip() {
        assertThat(NameSuggestions.closest("procesing-interval", RuntimeOption.PROPERTIES)).isEqualTo("processing-interval");
        assertThat(NameSuggestions.closest("evnets", List.of("events", "presence"))).isEqualTo("events");
        assertThat(NameSuggestions.closest("processingIntervall", RuntimeOption.FIELDS)).isEqualTo("processingInterval");
        assertThat(NameSuggestions.closest("retry_backof", RuntimeOption.PROPERTIES)).isEqualTo("retry-backoff");
    }

    @Test
    void suggestsNothingForANameFarFromEveryCandidate() {
        assertThat(NameSuggestions.closest("colour", RuntimeOption.FIELDS)).isNull();
        assertThat(NameSuggestions.closest("clicks", List.of("events", "presence"))).isNull();
        assertThat(NameSuggestions.closest("x", List.of("events"))).isNull();
        assertThat(NameSuggestions.closest("events", List.of())).isNull();
    }
}
