package io.tidefall.spring;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.convert.DurationStyle;

import static org.assertj.core.api.Assertions.assertThat;

class DurationsTests {

    @Test
    void formatRoundsForReading() {
        assertThat(Durations.format(Duration.ofNanos(3_024_682_653L))).isEqualTo("3s");
        assertThat(Durations.format(Duration.ofNanos(15_762_153))).isEqualTo("16ms");
        assertThat(Durations.format(Duration.ofNanos(3_200_000))).isEqualTo("3ms");
        assertThat(Durations.format(Duration.ofNanos(734_912))).isEqualTo("734us");
        assertThat(Durations.format(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(Durations.format(Duration.ofMillis(999_600))).isEqualTo("17m");
        assertThat(Durations.format(Duration.ofMillis(12_400))).isEqualTo("12s");
        assertThat(Durations.format(Duration.ofSeconds(150))).isEqualTo("150s");
        assertThat(Durations.format(Duration.ofHours(36).plusMinutes(20))).isEqualTo("36h");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0us");
        assertThat(Durations.format(Duration.ofSeconds(-3))).isEqualTo("0us");
        assertThat(Durations.format(Duration.ofSeconds(Long.MAX_VALUE))).endsWith("h");
    }

    @Test
    void exactUsesTheLargestExactUnit() {
        assertThat(Durations.exact(Duration.ofDays(2))).isEqualTo("2d");
        assertThat(Durations.exact(Duration.ofMinutes(90))).isEqualTo("90m");
        assertThat(Durations.exact(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.exact(Duration.ofNanos(1500))).isEqualTo("1500ns");
        assertThat(Durations.exact(Duration.ofNanos(3000))).isEqualTo("3us");
        assertThat(Durations.exact(Duration.ZERO)).isEqualTo("0ms");
    }

    /** Both forms are Spring Boot's simple form: whatever an answer shows, configuration reads. */
    @Test
    void springBootReadsBothForms() {
        for (Duration duration : new Duration[] { Duration.ofNanos(3_024_682_653L), Duration.ofMinutes(90),
                Duration.ofNanos(1500), Duration.ofHours(36) }) {
            assertThat(DurationStyle.detectAndParse(Durations.exact(duration))).isEqualTo(duration);
            assertThat(DurationStyle.detectAndParse(Durations.format(duration))).isNotNull();
        }
    }
}
