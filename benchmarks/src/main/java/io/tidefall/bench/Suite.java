package io.tidefall.bench;

import static io.tidefall.bench.ResultFormat.bytes;
import static io.tidefall.bench.ResultFormat.error;
import static io.tidefall.bench.ResultFormat.human;
import static io.tidefall.bench.ResultFormat.median;

import io.tidefall.bench.chart.Svg;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the whole suite (write benchmarks at each thread count, then {@link Paired}, then the drain
 * benchmark) in one JMH session per thread count, and prints one table: ops/s, allocation per op, and the ratios
 * Tidefall/ceiling and Tidefall/peer of numbers measured in this same run.
 *
 * <pre>
 * java -cp benchmarks.jar io.tidefall.bench.Suite [quick|full] [--threads 1,2] [--intervals 1ms,5s]
 *      [--rounds N] [--heap 4g] [--include REGEX] [--prof SPEC]... [--no-drain] [--logs DIR]
 *
 * quick: 1 ms interval, 2 x 1 s warm-up, 3 x 1 s measurement, queue drain only, 1 round;
 *        Paired 4 x 1 s warm-up, 6 x 1 s measurement, also at 5 s for put, push, push-shared, push-limit
 *        and the routed ceilings.
 * full:  1 ms and 5 s intervals, 3 x 1 s warm-up, 5 x 1 s measurement, queue and map drains,
 *        3 rounds; Paired 4 x 1 s warm-up, 16 x 1 s measurement.
 * </pre>
 *
 * <p>A round runs every write benchmark once, each in a fork of its own. On a shared two-core VM
 * one fork can run at half or twice the speed of the next for reasons outside the JVM, so with
 * several rounds the table gives each benchmark's median score and each ratio's median over the
 * rounds, every ratio taken between two numbers of the same round, with the lowest and highest
 * in brackets. {@link Paired} then measures Tidefall and each ceiling, and the peer, taking turns
 * within one fork; when it ran (always, unless {@code --include} picks benchmarks), the ratio
 * targets are judged on its ratios, and the separate-fork ratios are shown as measured.
 */
public final class Suite {

    /** Benchmark method -> label, the ceiling and the peer it is compared with, and its targets. */
    private record Row(String method, String label, String ceiling, double ceilingTarget, String peer,
                       double peerTarget1, double peerTarget2) {
    }

    private static final List<Row> ROWS = List.of(
            new Row("QueueWrite.tidefallPush", "queue  push            Tidefall", "QueueWrite.ceilingClqOffer", 0.6,
                    "QueueWrite.peerEnqueue", 1.5, 1.5),
            new Row("QueueWrite.tidefallPushAll10", "queue  pushAll(10)/elt Tidefall", "QueueWrite.ceilingClqOffer", 0,
                    "QueueWrite.peerEnqueue", 0, 0),
            new Row("QueueWrite.ceilingClqOffer", "queue  CLQ.offer        ceiling", null, 0, null, 0, 0),
            new Row("QueueWrite.peerEnqueue", "queue  enqueue          buffer-trigger", null, 0, null, 0, 0),
            new Row("MapWrite.tidefallPut", "map    put              Tidefall", "MapWrite.ceilingChmPut", 0.7,
                    "MapWrite.peerEnqueue", 1.0, 1.5),
            new Row("MapWrite.tidefallPutReadingProcessor", "map    put, reading proc. Tidefall", "MapWrite.ceilingChmPut", 0,
                    "MapWrite.peerEnqueue", 0, 0),
            new Row("MapWrite.tidefallPutNewer", "map    putNewer         Tidefall", "MapWrite.ceilingChmComputeNewer", 0.6,
                    null, 0, 0),
            new Row("MapWrite.ceilingChmPut", "map    CHM.put          ceiling", null, 0, null, 0, 0),
            new Row("MapWrite.ceilingChmComputeNewer", "map    CHM.compute newer ceiling", null, 0, null, 0, 0),
            new Row("MapWrite.peerEnqueue", "map    enqueue          buffer-trigger", null, 0, null, 0, 0));

    private Suite() {
    }

    public static void main(String[] args) throws RunnerException {
        String mode = "quick";
        List<Integer> threads = List.of(1, 2);
        String intervals = null;
        String heap = "4g";
        String include = null;
        List<String> profilers = new ArrayList<>();
        boolean drain = true;
        String logs = "benchmarks/target";
        String charts = "docs/images";
        Integer rounds = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "quick", "full" -> mode = args[i];
                case "--threads", "-t" -> threads = ResultFormat.parseInts(args[++i]);
                case "--intervals" -> intervals = args[++i];
                case "--heap" -> heap = args[++i];
                case "--include" -> include = args[++i];
                case "--prof" -> profilers.add(args[++i]);
                case "--no-drain" -> drain = false;
                case "--logs" -> logs = args[++i];
                case "--charts" -> charts = args[++i];
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        boolean quick = mode.equals("quick");
        if (intervals == null) {
            intervals = quick ? "1ms" : "1ms,5s";
        }
        if (rounds == null) {
            rounds = quick ? 1 : 3;
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1, but was " + rounds);
        }
        new java.io.File(logs).mkdirs();

        // key: method|interval|threads -> one result per round
        Map<String, List<Result<?>>> primary = new LinkedHashMap<>();
        Map<String, List<Result<?>>> alloc = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            for (int t : threads) {
                String log = logs + "/jmh-threads-" + t + (rounds > 1 ? "-round-" + round : "") + ".log";
                ChainedOptionsBuilder options = base(quick, heap, profilers)
                        .include(include != null ? include : "io\\.tidefall\\.bench\\.(QueueWrite|MapWrite)\\.")
                        .threads(t)
                        .param("interval", intervals.split(","))
                        .output(log);
                System.err.println("Round " + round + " of " + rounds + ": the write benchmarks at " + t
                        + " thread(s); JMH output: " + log);
                collect(new Runner(options.build()).run(), primary, alloc);
            }
        }
        // key: write|interval|threads -> {tidefall, ceiling} ops/s from one fork
        Map<String, double[]> paired = new LinkedHashMap<>();
        if (include == null) {
            // The write-path targets hold at both intervals: quick mode adds the 5 s interval for the
            // writes those targets name (put, push) and the limit row, full mode runs every write at both.
            List<String[]> pairedRuns = new ArrayList<>();
            pairedRuns.add(new String[] {intervals, null});
            if (quick && !intervals.contains("5s")) {
                pairedRuns.add(new String[] {"5s", "put,push,push-limit,push-shared,push-routed,put-routed"});
            }
            for (int t : threads) {
              for (String[] pairedRun : pairedRuns) {
                String log = logs + "/jmh-paired-threads-" + t + "-" + pairedRun[0].replace(',', '-') + ".log";
                ChainedOptionsBuilder options = base(quick, heap, profilers)
                        .include("io\\.tidefall\\.bench\\.Paired\\.")
                        .threads(t)
                        .param("interval", pairedRun[0].split(","))
                        // Two warm-up turns per subject in both modes: with one, a subject's first measured
                        // turn can still be compiling (seen at a third of its later turns).
                        .warmupIterations(4)
                        .measurementIterations(quick ? 6 : 16) // even: each subject gets half
                        .output(log);
                if (pairedRun[1] != null) {
                    options.param("write", pairedRun[1].split(","));
                }
                System.err.println("Paired: Tidefall and ceiling taking turns in one fork at " + t
                        + " thread(s), " + pairedRun[0] + "; JMH output: " + log);
                for (RunResult run : new Runner(options.build()).run()) {
                    String key = run.getParams().getParam("write") + "|" + run.getParams().getParam("interval") + "|"
                            + run.getParams().getThreads();
                    paired.put(key, new double[] {
                            run.getSecondaryResults().get("tidefall").getScore(),
                            run.getSecondaryResults().get("other").getScore()});
                }
              }
            }
        }
        if (drain && include == null) {
            ChainedOptionsBuilder options = base(quick, heap, profilers)
                    .include("io\\.tidefall\\.bench\\.DrainThroughput\\.")
                    .threads(1)
                    .output(logs + "/jmh-drain.log");
            System.err.println("Running the drain benchmark; JMH output: " + logs + "/jmh-drain.log");
            if (quick) {
                options.param("type", "queue");
            }
            collect(new Runner(options.build()).run(), primary, alloc);
        }
        print(System.out, primary, alloc, threads, intervals.split(","), rounds, paired);
        if (!paired.isEmpty()) {
            Path chart = Path.of(charts, "write-path-paired.svg");
            try {
                pairedChart(chart, paired, mode);
                System.out.println("chart: " + chart);
            } catch (IOException failure) {
                System.err.println("could not write " + chart + ": " + failure);
            }
        }
    }

    /** The Paired ratios as bars, the 1.0x line being the raised write-path target. */
    private static void pairedChart(Path file, Map<String, double[]> paired, String mode) throws IOException {
        List<Svg.Bar> bars = new ArrayList<>();
        for (Map.Entry<String, double[]> e : paired.entrySet()) {
            String[] parts = e.getKey().split("\\|");
            String against = switch (parts[0]) {
                case "put" -> "put / CHM.put";
                case "putNewer" -> "putNewer / CHM.compute";
                case "push" -> "push / CLQ.offer";
                case "put-peer" -> "put / buffer-trigger";
                case "push-peer" -> "push / buffer-trigger";
                case "push-limit" -> "push / JCTools MPSC (limit)";
                case "push-shared" -> "push, 1 partition, 1 item / CLQ.offer";
                case "push-routed" -> "push / CLQ per partition, routed";
                case "put-routed" -> "put / CHM per partition, routed";
                default -> "push, own partition / CLQ each";
            };
            if (parts[0].endsWith("-peer")) {
                continue; // several times the target: they would squeeze every other bar
            }
            double ratio = e.getValue()[0] / e.getValue()[1];
            boolean targeted = parts[0].equals("put") || parts[0].equals("push");
            String color = !targeted ? Svg.GREY : ratio >= 1.0 ? Svg.GREEN : Svg.ORANGE;
            bars.add(new Svg.Bar(against + ", " + parts[1] + ", " + parts[2] + " thr", ratio, color, "x"));
        }
        Svg.bars(file, "Write path: Tidefall / bare JVM structure, in turns in one fork (" + mode + " run)",
                "ratio of writes per second (green/orange: targeted, grey: shown)", bars, 1.0, "target 1.0x", "%.2f");
    }

    private static ChainedOptionsBuilder base(boolean quick, String heap, List<String> profilers) {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .forks(1)
                .warmupIterations(quick ? 2 : 3)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(quick ? 3 : 5)
                .measurementTime(TimeValue.seconds(1))
                // A fixed, pre-touched heap: first touches of fresh pages otherwise cap allocation on this kind of VM.
                // Huge pages make the pre-touch of each fork several times faster.
                .jvmArgsAppend("-Xms" + heap, "-Xmx" + heap, "-XX:+AlwaysPreTouch", "-XX:+UseTransparentHugePages")
                .addProfiler("gc")
                .shouldFailOnError(true);
        for (String profiler : profilers) {
            int colon = profiler.indexOf(':');
            if (colon < 0) {
                options.addProfiler(profiler);
            } else {
                options.addProfiler(profiler.substring(0, colon), profiler.substring(colon + 1));
            }
        }
        return options;
    }

    private static void collect(Collection<RunResult> results, Map<String, List<Result<?>>> primary,
                                Map<String, List<Result<?>>> alloc) {
        for (RunResult run : results) {
            String method = run.getParams().getBenchmark().replace("io.tidefall.bench.", "");
            String interval = run.getParams().getParam("interval");
            if (method.startsWith("DrainThroughput.")) {
                interval = run.getParams().getParam("type") + " " + run.getParams().getParam("processor")
                        + " batch=" + run.getParams().getParam("batch");
            }
            String key = method + "|" + interval + "|" + run.getParams().getThreads();
            primary.computeIfAbsent(key, k -> new ArrayList<>()).add(run.getPrimaryResult());
            Result<?> norm = run.getSecondaryResults().get("gc.alloc.rate.norm");
            if (norm != null) {
                alloc.computeIfAbsent(key, k -> new ArrayList<>()).add(norm);
            }
        }
    }

    private static void print(PrintStream out, Map<String, List<Result<?>>> primary,
                              Map<String, List<Result<?>>> alloc, List<Integer> threads, String[] intervals, int rounds,
                              Map<String, double[]> paired) {
        out.println();
        out.println("Tidefall benchmarks: buffers of the default partition count (" + Routing.partitions()
                + " here), distinct elements routed by their own hash, unless marked; no-op processor unless marked;"
                + " ratios are of numbers from the same round.");
        if (rounds == 1) {
            out.println("Error is JMH's 99.9% confidence half-width. B/op is gc.alloc.rate.norm.");
        } else {
            out.println(rounds + " rounds: ops/s and B/op are medians over the rounds; error is half the spread of the"
                    + " rounds' scores; each ratio is the median of the rounds' ratios [lowest-highest].");
        }
        out.println();
        int ratioWidth = rounds == 1 ? 12 : 24;
        String format = "%-38s %-8s %3s %14s %8s %9s %" + ratioWidth + "s %" + ratioWidth + "s";
        String header = String.format(Locale.ROOT, format, "benchmark", "interval", "thr", "ops/s", "error", "B/op",
                "vs ceiling", "vs peer");
        out.println(header);
        out.println("-".repeat(header.length()));
        List<String> misses = new ArrayList<>();
        for (String interval : intervals) {
            for (int t : threads) {
                for (Row row : ROWS) {
                    String key = row.method + "|" + interval + "|" + t;
                    List<Result<?>> results = primary.get(key);
                    if (results == null) {
                        continue;
                    }
                    // With paired results, the targets are judged there (below); these ratios are shown as measured.
                    String vsCeiling = ratio(primary, key, row.ceiling, interval, t, paired.isEmpty() ? row.ceilingTarget : 0,
                            row.label, misses);
                    double peerTarget = t == 1 ? row.peerTarget1 : row.peerTarget2;
                    String vsPeer = ratio(primary, key, row.peer, interval, t, paired.isEmpty() ? peerTarget : 0,
                            row.label, misses);
                    out.println(String.format(Locale.ROOT, format, row.label, interval, t, human(median(results)),
                            error(results), bytes(alloc.get(key)), vsCeiling, vsPeer));
                }
                out.println();
            }
        }
        if (!paired.isEmpty()) {
            printPaired(out, paired, misses);
        }
        for (Map.Entry<String, List<Result<?>>> e : primary.entrySet()) {
            if (!e.getKey().startsWith("DrainThroughput.")) {
                continue;
            }
            String[] parts = e.getKey().split("\\|");
            double score = median(e.getValue());
            boolean batchMode = parts[1].endsWith("batch=1000") && parts[1].contains(" noop ");
            String target = batchMode ? (score >= 10e6 ? ">=10M ok" : ">=10M MISS") : "";
            if (batchMode && score < 10e6) {
                misses.add("drain " + parts[1] + ": " + human(score) + " elements/s < 10 M");
            }
            out.println(String.format(Locale.ROOT, "%-38s %-8s %3s %14s %8s %9s %12s",
                    "drain  elements/s " + parts[1], "-", parts[2], human(score), error(e.getValue()),
                    bytes(alloc.get(e.getKey())), target));
        }
        out.println();
        out.println("Ratio marks: '*' below its target, nothing when met or when no target applies.");
        if (misses.isEmpty()) {
            out.println("Every target measured in this run was met.");
        } else {
            out.println("Below target in this run:");
            misses.forEach(m -> out.println("  " + m));
        }
    }

    private static void printPaired(PrintStream out, Map<String, double[]> paired, List<String> misses) {
        out.println("Paired (Paired.java): Tidefall and the other subject take turns, one 1 s iteration each, in one fork;"
                + " the targets are judged here.");
        String format = "%-38s %-8s %3s %14s %14s %12s";
        out.println(String.format(Locale.ROOT, format, "write vs other", "interval", "thr", "Tidefall", "other", "ratio"));
        for (Map.Entry<String, double[]> e : paired.entrySet()) {
            String[] parts = e.getKey().split("\\|");
            int threads = Integer.parseInt(parts[2]);
            // Each subject ran half the measurement iterations: both scores are halved alike; doubled for display.
            double tidefall = 2 * e.getValue()[0];
            double other = 2 * e.getValue()[1];
            double ratio = tidefall / other;
            String label;
            double target;
            switch (parts[0]) {
                case "put" -> { label = "map    put vs CHM.put"; target = 1.0; }
                case "putNewer" -> { label = "map    putNewer vs CHM.compute newer"; target = 0.6; }
                case "push" -> { label = "queue  push vs CLQ.offer"; target = 1.0; }
                case "put-peer" -> { label = "map    put vs buffer-trigger"; target = threads == 1 ? 1.0 : 1.5; }
                case "push-peer" -> { label = "queue  push vs buffer-trigger"; target = 1.5; }
                case "push-limit" -> { label = "queue  push vs JCTools MPSC (limit)"; target = 0; }
                case "push-shared" -> { label = "queue  push 1 part. 1 item vs CLQ"; target = 0; }
                case "push-routed" -> { label = "queue  push vs CLQ per part., routed"; target = 0; }
                case "put-routed" -> { label = "map    put vs CHM per part., routed"; target = 0; }
                default -> { label = "queue  push own partition vs CLQ each"; target = 0; }
            }
            boolean miss = ratio < target;
            if (miss) {
                misses.add(String.format(Locale.ROOT, "paired %s, %s, %s thread(s): %.2fx < %.2fx",
                        label.replaceAll(" +", " "), parts[1], parts[2], ratio, target));
            }
            out.println(String.format(Locale.ROOT, format, label, parts[1], parts[2], human(tidefall), human(other),
                    String.format(Locale.ROOT, "%.2fx%s", ratio, miss ? "*" : "")));
        }
        out.println();
    }

    /** The median over the rounds of this benchmark's score divided by {@code other}'s in the same round. */
    private static String ratio(Map<String, List<Result<?>>> primary, String key, String other, String interval, int t,
                                double target, String label, List<String> misses) {
        if (other == null) {
            return "";
        }
        List<Result<?>> mine = primary.get(key);
        List<Result<?>> theirs = primary.get(other + "|" + interval + "|" + t);
        if (theirs == null || theirs.size() != mine.size()) {
            return "n/a";
        }
        List<Double> ratios = new ArrayList<>();
        for (int round = 0; round < mine.size(); round++) {
            ratios.add(mine.get(round).getScore() / theirs.get(round).getScore());
        }
        double ratio = median(ratios);
        boolean miss = target > 0 && ratio < target;
        if (miss) {
            misses.add(String.format(Locale.ROOT, "%s, %s, %d thread(s): %.2fx < %.2fx of %s",
                    label.replaceAll(" +", " "), interval, t, ratio, target, other));
        }
        String spread = ratios.size() == 1 ? ""
                : String.format(Locale.ROOT, " [%.2f-%.2f]", Collections.min(ratios), Collections.max(ratios));
        return String.format(Locale.ROOT, "%.2fx%s%s", ratio, miss ? "*" : " ", spread);
    }
}
