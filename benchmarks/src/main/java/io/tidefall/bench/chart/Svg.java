package io.tidefall.bench.chart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Plain SVG charts written from measured numbers, so that the pictures in the docs are made by the
 * benchmark runs themselves: line charts (linear or logarithmic y axis), horizontal bars, and a
 * histogram. No dependency: a chart is a few dozen SVG elements.
 */
public final class Svg {

    public static final String BLUE = "#1f77b4";
    public static final String ORANGE = "#e6550d";
    public static final String GREEN = "#31a354";
    public static final String GREY = "#888888";

    private static final int WIDTH = 720;
    private static final int HEIGHT = 400;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;

    /** A line through measured points; {@code dashed} for a secondary line, e.g. a median under its p99. */
    public record Series(String name, String color, boolean dashed, double[] x, double[] y) {
    }

    /** A horizontal bar; {@code note} is written after its value. */
    public record Bar(String label, double value, String color, String note) {
    }

    private final StringBuilder svg = new StringBuilder();

    private Svg(String title, int height) {
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n", WIDTH, height, WIDTH, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", WIDTH, height));
        text(WIDTH / 2.0, 24, title, "middle", 15, "bold");
    }

    /** Lines over a common x axis; {@code logY} for latencies spanning orders of magnitude. */
    public static void lines(Path file, String title, String xLabel, String yLabel, boolean logY, List<Series> series,
                             Double horizontalLine, String horizontalLabel) throws IOException {
        Svg chart = new Svg(title, HEIGHT);
        double xMax = 0;
        double yMin = Double.MAX_VALUE;
        double yMax = 0;
        for (Series s : series) {
            for (int i = 0; i < s.x.length; i++) {
                xMax = Math.max(xMax, s.x[i]);
                if (s.y[i] > 0 && Double.isFinite(s.y[i])) {
                    yMin = Math.min(yMin, s.y[i]);
                    yMax = Math.max(yMax, s.y[i]);
                }
            }
        }
        if (horizontalLine != null) {
            yMax = Math.max(yMax, horizontalLine);
        }
        Axis x = Axis.linear(0, xMax);
        Axis y = logY ? Axis.log(yMin, yMax) : Axis.linear(0, yMax);
        chart.axes(x, y, xLabel, yLabel, HEIGHT);
        if (horizontalLine != null) {
            double py = chart.py(y, horizontalLine, HEIGHT);
            chart.svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\""
                    + " stroke-dasharray=\"2,3\"/>\n", LEFT, py, WIDTH - RIGHT, py, GREY));
            chart.text(WIDTH - RIGHT - 4, py - 4, horizontalLabel, "end", 11, "normal");
        }
        int legend = 0;
        for (Series s : series) {
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < s.x.length; i++) {
                if (!(s.y[i] > 0) || !Double.isFinite(s.y[i])) {
                    continue;
                }
                double px = chart.px(x, s.x[i]);
                double py = chart.py(y, s.y[i], HEIGHT);
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
                chart.svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n",
                        px, py, s.color));
            }
            chart.svg.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\""
                    + " stroke-width=\"2\"%s/>\n", points.toString().trim(), s.color,
                    s.dashed ? " stroke-dasharray=\"6,4\"" : ""));
            double ly = TOP + 8 + 16 * legend++;
            chart.svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\""
                    + " stroke-width=\"2\"%s/>\n", LEFT + 12, ly, LEFT + 36, ly, s.color,
                    s.dashed ? " stroke-dasharray=\"6,4\"" : ""));
            chart.text(LEFT + 42, ly + 4, s.name, "start", 12, "normal");
        }
        chart.write(file);
    }

    /** Horizontal bars, e.g. ratios; {@code target} draws a vertical line at that value. */
    public static void bars(Path file, String title, String valueLabel, List<Bar> bars, Double target,
                            String targetLabel, String valueFormat) throws IOException {
        int rowHeight = 26;
        int height = TOP + BOTTOM + rowHeight * bars.size();
        Svg chart = new Svg(title, height);
        int left = 290;
        double max = target == null ? 0 : target;
        for (Bar bar : bars) {
            max = Math.max(max, bar.value);
        }
        int noteWidth = 0;
        for (Bar bar : bars) {
            noteWidth = Math.max(noteWidth, 7 * (String.format(Locale.ROOT, valueFormat, bar.value).length()
                    + (bar.note == null ? 0 : bar.note.length() + 1)));
        }
        Axis x = Axis.linear(0, max);
        double width = WIDTH - RIGHT - left - noteWidth;
        for (int i = 0; i < bars.size(); i++) {
            Bar bar = bars.get(i);
            double top = TOP + i * rowHeight;
            double length = width * (bar.value - x.min) / (x.max - x.min);
            chart.svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%d\""
                    + " fill=\"%s\"/>\n", left, top + 4, Math.max(0, length), rowHeight - 8, bar.color));
            chart.text(left - 6, top + rowHeight / 2.0 + 4, bar.label, "end", 12, "normal");
            chart.text(left + length + 4, top + rowHeight / 2.0 + 4,
                    String.format(Locale.ROOT, valueFormat, bar.value) + (bar.note == null ? "" : " " + bar.note),
                    "start", 11, "normal");
        }
        double bottom = TOP + rowHeight * bars.size();
        chart.svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%.1f\" stroke=\"black\"/>\n",
                left, TOP, left, bottom));
        if (target != null) {
            double tx = left + width * target / (x.max - x.min);
            chart.svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\""
                    + " stroke=\"%s\" stroke-dasharray=\"4,3\"/>\n", tx, TOP - 4, tx, bottom + 4, ORANGE));
            chart.text(tx, bottom + 18, targetLabel, "middle", 11, "normal");
        }
        chart.text(left + width / 2, height - 14, valueLabel, "middle", 12, "normal");
        chart.write(file);
    }

    /** A histogram of {@code values} in bins of {@code binWidth}; the last bin holds everything above it. */
    public static void histogram(Path file, String title, String xLabel, double[] values, double binWidth, int bins,
                                 String color, List<double[]> markers, List<String> markerLabels) throws IOException {
        long[] counts = new long[bins];
        for (double v : values) {
            counts[(int) Math.max(0, Math.min(bins - 1, Math.floor(v / binWidth)))]++;
        }
        long most = 1;
        for (long c : counts) {
            most = Math.max(most, c);
        }
        Svg chart = new Svg(title, HEIGHT);
        Axis x = Axis.linear(0, binWidth * bins);
        Axis y = Axis.linear(0, 100.0 * most / Math.max(1, values.length));
        chart.axes(x, y, xLabel, "% of page views", HEIGHT);
        for (int i = 0; i < bins; i++) {
            double x0 = chart.px(x, i * binWidth);
            double x1 = chart.px(x, (i + 1) * binWidth);
            double top = chart.py(y, 100.0 * counts[i] / Math.max(1, values.length), HEIGHT);
            chart.svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\""
                    + " fill=\"%s\"/>\n", x0 + 0.5, top, Math.max(0.5, x1 - x0 - 1), HEIGHT - BOTTOM - top, color));
        }
        for (int m = 0; m < markers.size(); m++) {
            double px = chart.px(x, Math.min(markers.get(m)[0], binWidth * bins));
            chart.svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\""
                    + " stroke-dasharray=\"4,3\"/>\n", px, TOP, px, HEIGHT - BOTTOM, m == markers.size() - 1 ? ORANGE : GREY));
            chart.text(px + 3, TOP + 12 + 14 * m, markerLabels.get(m), "start", 11, "normal");
        }
        chart.write(file);
    }

    private void axes(Axis x, Axis y, String xLabel, String yLabel, int height) {
        int bottom = height - BOTTOM;
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n",
                LEFT, bottom, WIDTH - RIGHT, bottom));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n",
                LEFT, TOP, LEFT, bottom));
        for (double tick : x.ticks()) {
            double px = px(x, tick);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"black\"/>\n",
                    px, bottom, px, bottom + 4));
            text(px, bottom + 16, Axis.format(tick), "middle", 11, "normal");
        }
        for (double tick : y.ticks()) {
            double py = py(y, tick, height);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#dddddd\"/>\n",
                    LEFT, py, WIDTH - RIGHT, py));
            text(LEFT - 6, py + 4, Axis.format(tick), "end", 11, "normal");
        }
        text((LEFT + WIDTH - RIGHT) / 2.0, height - 18, xLabel, "middle", 12, "normal");
        svg.append(String.format(Locale.ROOT, "<text x=\"18\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"12\""
                + " transform=\"rotate(-90 18 %.1f)\">%s</text>\n", (TOP + bottom) / 2.0, (TOP + bottom) / 2.0, escape(yLabel)));
    }

    private double px(Axis x, double value) {
        return LEFT + (WIDTH - LEFT - RIGHT) * x.fraction(value);
    }

    private double py(Axis y, double value, int height) {
        return height - BOTTOM - (height - TOP - BOTTOM) * y.fraction(value);
    }

    private void text(double x, double y, String text, String anchor, int size, String weight) {
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\""
                + " font-weight=\"%s\">%s</text>\n", x, y, anchor, size, weight, escape(text)));
    }

    private void write(Path file) throws IOException {
        svg.append("</svg>\n");
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, svg);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** An axis from {@code min} to {@code max}, linear or logarithmic, with round ticks. */
    private record Axis(double min, double max, boolean log) {

        static Axis linear(double min, double max) {
            double step = step(max - min);
            return new Axis(min, Math.max(step, Math.ceil(max / step) * step), false);
        }

        static Axis log(double min, double max) {
            double low = Math.pow(10, Math.floor(Math.log10(Math.max(min, 1e-3))));
            double high = Math.pow(10, Math.ceil(Math.log10(Math.max(max, low * 10))));
            return new Axis(low, high, true);
        }

        double fraction(double value) {
            if (log) {
                return (Math.log10(Math.max(value, min)) - Math.log10(min)) / (Math.log10(max) - Math.log10(min));
            }
            return (value - min) / (max - min);
        }

        List<Double> ticks() {
            List<Double> ticks = new ArrayList<>();
            if (log) {
                for (double t = min; t <= max * 1.0001; t *= 10) {
                    ticks.add(t);
                }
            } else {
                double step = step(max - min);
                for (double t = min; t <= max * 1.0001; t += step) {
                    ticks.add(t);
                }
            }
            return ticks;
        }

        /** A round step that cuts {@code span} into about five. */
        private static double step(double span) {
            if (span <= 0) {
                return 1;
            }
            double raw = span / 5;
            double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
            double[] nice = {1, 2, 2.5, 5, 10};
            for (double n : nice) {
                if (n * magnitude >= raw) {
                    return n * magnitude;
                }
            }
            return 10 * magnitude;
        }

        static String format(double value) {
            if (value >= 1e6) {
                return trim(value / 1e6) + "M";
            }
            if (value >= 1e3) {
                return trim(value / 1e3) + "k";
            }
            return trim(value);
        }

        private static String trim(double value) {
            String s = String.format(Locale.ROOT, "%.2f", value);
            return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
        }
    }
}
