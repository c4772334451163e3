package io.tidefall.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.Result;

/** How the suite's table reads JMH's results: medians over rounds, the error, allocation and ops/s as text. */
final class ResultFormat {

    private ResultFormat() {
    }

    static double median(Collection<Result<?>> results) {
        return median(results.stream().map(Result::getScore).toList());
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** One round: JMH's confidence half-width; several: half the spread of the rounds' scores. Relative to the median. */
    static String error(List<Result<?>> results) {
        double median = median(results);
        if (median == 0) {
            return "";
        }
        double error;
        if (results.size() == 1) {
            error = results.get(0).getScoreError();
            if (Double.isNaN(error)) {
                return "";
            }
        } else {
            List<Double> scores = results.stream().map(Result::getScore).toList();
            error = (Collections.max(scores) - Collections.min(scores)) / 2;
        }
        return String.format(Locale.ROOT, "±%.0f%%", 100 * error / median);
    }

    static String bytes(List<Result<?>> results) {
        return results == null ? "" : String.format(Locale.ROOT, "%.1f", median(results));
    }

    static String human(double opsPerSecond) {
        return String.format(Locale.ROOT, "%.2f M", opsPerSecond / 1e6);
    }

    /** A comma-separated list of numbers from the command line, such as {@code --threads 1,2}. */
    static List<Integer> parseInts(String csv) {
        List<Integer> values = new ArrayList<>();
        for (String s : csv.split(",")) {
            values.add(Integer.parseInt(s.trim()));
        }
        return values;
    }
}
