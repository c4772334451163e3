package io.tidefall.spring;

import java.time.Duration;

/**
 * Durations as Tidefall's Actuator answers show them: in the simple form Spring Boot reads back
 * ({@code 250ms}, {@code 5s}, {@code 2m}), never in nanoseconds or ISO-8601 for a person to decode.
 *
 * <ul>
 * <li>{@link #format(Duration)} rounds, for anything measured (an age, how long a drain took, how
 * long a partition has retried): {@code 3s}, not {@code 3024682653ns}.
 * <li>{@link #exact(Duration)} keeps every digit, for a configured value that a client may send
 * back unchanged: the largest unit that is exact.
 * </ul>
 */
public final class Durations {

    private static final long MICRO = 1_000L;
    private static final long MILLI = 1_000_000L;
    private static final long SECOND = 1_000_000_000L;
    private static final long MINUTE = 60 * SECOND;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;

    private Durations() {
    }

    /**
     * A duration rounded for reading, with two or more significant digits: whole microseconds below
     * a millisecond, whole milliseconds below one second, then whole seconds below ten minutes,
     * whole minutes below ten hours and whole hours above ({@code "734us"}, {@code "16ms"},
     * {@code "3s"}, {@code "150s"}, {@code "125m"}, {@code "36h"}). A negative duration (a clock
     * read out of order) shows as zero.
     */
    public static String format(Duration duration) {
        if (duration.isNegative()) {
            return "0us";
        }
        long nanos;
        try {
            nanos = duration.toNanos();
        } catch (ArithmeticException tooLong) {
            return duration.toHours() + "h";
        }
        if (nanos < MILLI) {
            return nanos / MICRO + "us";
        }
        if (nanos < SECOND) {
            return Math.round((double) nanos / MILLI) + "ms";
        }
        if (nanos < 10 * MINUTE) {
            return Math.round((double) nanos / SECOND) + "s";
        }
        if (nanos < 10 * HOUR) {
            return Math.round((double) nanos / MINUTE) + "m";
        }
        return Math.round((double) nanos / HOUR) + "h";
    }

    /**
     * A duration in the largest unit that holds it exactly ({@code "2d"}, {@code "90m"},
     * {@code "1500ms"}; zero is {@code "0ms"}), as a configured option is shown so that Spring Boot
     * and the endpoint read it back to the same value.
     */
    public static String exact(Duration duration) {
        if (duration.isZero()) {
            return "0ms";
        }
        long nanos;
        try {
            nanos = duration.toNanos();
        } catch (ArithmeticException tooLong) {
            return duration.toString();
        }
        for (long unit : new long[] { DAY, HOUR, MINUTE, SECOND, MILLI, MICRO }) {
            if (nanos % unit == 0) {
                return nanos / unit + suffix(unit);
            }
        }
        return nanos + "ns";
    }

    private static String suffix(long unit) {
        if (unit == DAY) {
            return "d";
        }
        if (unit == HOUR) {
            return "h";
        }
        if (unit == MINUTE) {
            return "m";
        }
        if (unit == SECOND) {
            return "s";
        }
        return unit == MILLI ? "ms" : "us";
    }
}
