package io.tidefall.bench.e2e;

import io.tidefall.bench.chart.Svg;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** What an end-to-end run leaves behind: its numbers as TSV and its charts, drawn from the measured results. */
final class E2eFiles {

    private E2eFiles() {
    }

    static void writeTsv(Path out, Saturation direct, Saturation buffered, List<Step> steps, List<Heartbeats> heartbeats,
                          double[] delivery) throws IOException {
        StringBuilder tsv = new StringBuilder("section\tmode\toffered\taccepted_per_s\tp50_ms\tp99_ms\tp999_ms\n");
        for (Saturation s : List.of(direct, buffered)) {
            tsv.append(String.format(Locale.ROOT, "saturation\t%s\t\t%.1f\t%.3f\t%.3f\t%.3f\n",
                    s == direct ? "direct" : "buffered", s.load().okPerSecond(), s.load().millis(0.5), s.load().millis(0.99),
                    s.load().millis(0.999)));
        }
        for (Step s : steps) {
            for (Load.Outcome o : List.of(s.direct(), s.buffered())) {
                tsv.append(String.format(Locale.ROOT, "open\t%s\t%.0f\t%.1f\t%.3f\t%.3f\t%.3f\n",
                        o == s.direct() ? "direct" : "buffered", s.offered(), o.okPerSecond(), o.millis(0.5), o.millis(0.99),
                        o.millis(0.999)));
            }
        }
        for (Heartbeats h : heartbeats) {
            tsv.append(String.format(Locale.ROOT, "presence_rows_per_user_s\tdirect\t%d\t%.3f\n", h.perUserPerSecond(),
                    h.directRowsPerUserSecond()));
            tsv.append(String.format(Locale.ROOT, "presence_rows_per_user_s\tbuffered\t%d\t%.3f\n", h.perUserPerSecond(),
                    h.bufferedRowsPerUserSecond()));
        }
        Files.writeString(out.resolve("e2e.tsv"), tsv);
        StringBuilder millis = new StringBuilder();
        for (double m : delivery) {
            millis.append(String.format(Locale.ROOT, "%.3f\n", m));
        }
        Files.writeString(out.resolve("e2e-delivery-ms.txt"), millis);
    }

    static void drawCharts(Path charts, int eventsIntervalMillis, Saturation direct, Saturation buffered, double directBest, double bufferedBest,
                            List<Step> steps, double[] delivery, double half,
                            double d50, double d99) throws IOException {
        int n = steps.size();
        double[] offered = new double[n];
        double[][] accepted = new double[2][n];
        double[][] p99 = new double[2][n];
        double[][] p50 = new double[2][n];
        for (int i = 0; i < n; i++) {
            Step s = steps.get(i);
            offered[i] = s.offered();
            accepted[0][i] = s.direct().okPerSecond();
            accepted[1][i] = s.buffered().okPerSecond();
            p99[0][i] = s.direct().millis(0.99);
            p99[1][i] = s.buffered().millis(0.99);
            p50[0][i] = s.direct().millis(0.5);
            p50[1][i] = s.buffered().millis(0.5);
        }
        Svg.lines(charts.resolve("e2e-throughput.svg"), "Accepted page views/s vs offered load (open loop)",
                "offered page views/s", "accepted page views/s", false, List.of(
                        new Svg.Series("offered", Svg.GREY, true, offered, offered),
                        new Svg.Series("direct (a transaction per request)", Svg.BLUE, false, offered, accepted[0]),
                        new Svg.Series("buffered (Tidefall)", Svg.GREEN, false, offered, accepted[1])),
                null, null);
        Svg.lines(charts.resolve("e2e-latency.svg"), "HTTP latency vs offered load (open loop)",
                "offered page views/s", "latency, ms (log scale)", true, List.of(
                        new Svg.Series("direct p99", Svg.BLUE, false, offered, p99[0]),
                        new Svg.Series("direct p50", Svg.BLUE, true, offered, p50[0]),
                        new Svg.Series("buffered p99", Svg.GREEN, false, offered, p99[1]),
                        new Svg.Series("buffered p50", Svg.GREEN, true, offered, p50[1])),
                null, null);
        Svg.histogram(charts.resolve("e2e-delivery.svg"), String.format(Locale.ROOT,
                        "Buffered: acceptance to committed row, at %.0f page views/s", half),
                "ms from the 202 to the row's commit", delivery, 25, 40, Svg.GREEN,
                List.of(new double[] {d50}, new double[] {d99}, new double[] {eventsIntervalMillis + 250}),
                List.of(String.format(Locale.ROOT, "p50 %.0f ms", d50), String.format(Locale.ROOT, "p99 %.0f ms", d99),
                        "target p99 <= " + (eventsIntervalMillis + 250) + " ms"));
        Svg.bars(charts.resolve("e2e-headline.svg"), "Page views per second one service takes, on one PostgreSQL",
                "most page views/s accepted (2 shared cores: load generator, service, database)", List.of(
                        new Svg.Bar("direct: a transaction per request", directBest, Svg.BLUE,
                                String.format(Locale.ROOT, "/s; %.0f transactions per 1,000",
                                        direct.per1000(direct.counts().transactions()))),
                        new Svg.Bar("buffered with Tidefall", bufferedBest, Svg.GREEN,
                                String.format(Locale.ROOT, "/s (%.1fx); %.1f transactions per 1,000",
                                        bufferedBest / directBest,
                                        buffered.per1000(buffered.counts().transactions())))),
                null, null, "%,.0f");
    }
}
