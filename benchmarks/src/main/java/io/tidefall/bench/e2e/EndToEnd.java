package io.tidefall.bench.e2e;

import io.tidefall.bench.chart.Svg;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.LongFunction;

/**
 * The end-to-end benchmark, run by {@code benchmarks/e2e.sh}: the sample service in its two modes
 * (direct: each request writes its own transaction; buffered: the sample as it ships), each on
 * its own database of one PostgreSQL, driven by the same load generator in turns. Measures
 * throughput at saturation (closed loop), HTTP latency at fixed offered loads (open loop), the
 * database's transactions and statements per 1,000 page views, CPU of service and database,
 * presence row writes against the heartbeat rate, and the delay from a page view's acceptance to
 * its committed row; prints every target with its measured value, writes the numbers as TSV and
 * draws the charts.
 */
public final class EndToEnd {

    private static final PrintStream OUT = System.out;

    /** Each measurement alternates between the modes this many times. */
    private static final int SLICES = 3;

    /**
     * Closed-loop concurrencies tried for saturation; each mode's saturation is its best. Few
     * connections spare the direct mode its pool contention (64 request threads share 10 JDBC
     * connections), many let the buffered mode use every core.
     */
    private static final int[] SATURATION_CONNECTIONS = {8, 64};

    private final Database db;
    private final long dbPid;
    private final Path out;
    private final Path charts;
    private final double scale;
    private final int eventsIntervalMillis;
    private final int presenceIntervalMillis;
    private final int connections;

    private EndToEnd(Database db, long dbPid, Path out, Path charts, double scale, int eventsIntervalMillis,
                     int presenceIntervalMillis, int connections) {
        this.db = db;
        this.dbPid = dbPid;
        this.out = out;
        this.charts = charts;
        this.scale = scale;
        this.eventsIntervalMillis = eventsIntervalMillis;
        this.presenceIntervalMillis = presenceIntervalMillis;
        this.connections = connections;
    }

    public static void main(String[] args) throws Exception {
        String directUrl = null;
        String bufferedUrl = null;
        long directPid = 0;
        long bufferedPid = 0;
        long dbPid = 0;
        String psql = "psql";
        String socket = null;
        int port = 5432;
        Path out = Path.of("benchmarks/target/e2e");
        Path charts = Path.of("docs/images");
        double scale = 1;
        int eventsInterval = 500;
        int presenceInterval = 1000;
        int connections = 64;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--direct" -> directUrl = args[++i];
                case "--buffered" -> bufferedUrl = args[++i];
                case "--direct-pid" -> directPid = Long.parseLong(args[++i]);
                case "--buffered-pid" -> bufferedPid = Long.parseLong(args[++i]);
                case "--db-pid" -> dbPid = Long.parseLong(args[++i]);
                case "--psql" -> psql = args[++i];
                case "--socket" -> socket = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--charts" -> charts = Path.of(args[++i]);
                case "--scale" -> scale = Double.parseDouble(args[++i]);
                case "--events-interval-ms" -> eventsInterval = Integer.parseInt(args[++i]);
                case "--presence-interval-ms" -> presenceInterval = Integer.parseInt(args[++i]);
                case "--connections" -> connections = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        if (directUrl == null || bufferedUrl == null || socket == null) {
            throw new IllegalArgumentException("--direct host:port, --buffered host:port and --socket dir are required");
        }
        Mode direct = new Mode("direct", address(directUrl), directPid, "direct");
        Mode buffered = new Mode("buffered", address(bufferedUrl), bufferedPid, "buffered");
        new EndToEnd(new Database(psql, socket, port), dbPid, out, charts, scale, eventsInterval, presenceInterval,
                connections).run(direct, buffered);
    }

    static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    private Duration seconds(double seconds) {
        return Duration.ofMillis((long) (seconds * scale * 1000));
    }

    private void run(Mode direct, Mode buffered) throws Exception {
        Files.createDirectories(out);
        String loadBefore = Cpu.loadAverage();
        OUT.println("load average before: " + loadBefore);

        // Long enough for the JIT: on two busy cores its compiler threads need most of this, and the
        // direct mode's JDBC path is compiled later than the buffered mode's shorter one.
        for (int round = 0; round < 2; round++) {
            for (Mode mode : List.of(direct, buffered)) {
                OUT.println("warming up " + mode.name());
                Load.closedLoop(mode.address(), connections, seconds(10), pageViews("w"));
                Load.closedLoop(mode.address(), connections / 2, seconds(2), heartbeats(100, 0));
            }
        }

        // The modes take turns, three slices each, so that a slow spell of the shared machine hits both.
        List<Saturation> directSats = new ArrayList<>();
        List<Saturation> bufferedSats = new ArrayList<>();
        for (int clients : SATURATION_CONNECTIONS) {
            OUT.println("saturation (closed loop, " + clients + " connections), direct and buffered in turns");
            Saturation directSat = null;
            Saturation bufferedSat = null;
            for (int slice = 0; slice < SLICES; slice++) {
                directSat = saturate(direct, seconds(4), clients).plus(directSat);
                bufferedSat = saturate(buffered, seconds(4), clients).plus(bufferedSat);
            }
            directSats.add(directSat);
            bufferedSats.add(bufferedSat);
        }
        Saturation directSat = best(directSats);
        Saturation bufferedSat = best(bufferedSats);
        double d = directSat.load().okPerSecond();
        double b = bufferedSat.load().okPerSecond();

        // Offered loads: below, at and above direct's saturation, and up to 90 % of buffered's. Half of
        // buffered's saturation is one of them: the delivery latency is measured there.
        TreeSet<Double> rates = new TreeSet<>();
        for (double f : new double[] {0.25, 0.5, 0.9, 1.5}) {
            rates.add(Math.rint(f * d));
        }
        double half = Math.rint(0.5 * b);
        for (double f : new double[] {0.25, 0.5, 0.75, 0.9}) {
            double rate = Math.rint(f * b);
            Double near = rates.ceiling(rate * 0.9);
            if (f == 0.5 || near == null || near > rate * 1.1) {
                rates.add(rate);
            }
        }
        List<Step> steps = new ArrayList<>();
        double[] delivery = null;
        int index = 0;
        for (double rate : rates) {
            index++;
            OUT.printf(Locale.ROOT, "open loop at %.0f page views/s, direct and buffered in turns%n", rate);
            String tag = "s" + index;
            Load.Outcome directStep = null;
            Load.Outcome bufferedStep = null;
            for (int slice = 0; slice < SLICES; slice++) {
                Load.Outcome d1 = Load.openLoop(direct.address(), connections, rate, seconds(2), Duration.ofSeconds(2),
                        pageViews("o" + index + "-" + slice));
                directStep = d1.plus(directStep);
                pause(300);
                Database.Counts before = db.counts(buffered.database());
                Load.Outcome b1 = Load.openLoop(buffered.address(), connections, rate, seconds(2), Duration.ofSeconds(2),
                        pageViews(tag + "-" + slice));
                bufferedStep = b1.plus(bufferedStep);
                db.awaitInserted(buffered.database(), before, b1.ok());
                pause(300);
            }
            if (rate == half) {
                delivery = db.deliveryMillis(buffered.database(), "/" + tag + "-");
            }
            steps.add(new Step(rate, directStep, bufferedStep));
            pause(500);
        }

        List<Heartbeats> heartbeats = new ArrayList<>();
        int users = 100;
        int phase = 1;
        for (int perUser : new int[] {1, 5, 25}) {
            OUT.printf(Locale.ROOT, "heartbeats: %d users, %d per user per second%n", users, perUser);
            double[] rows = new double[2];
            double[] accepted = new double[2];
            long bufferedRows = 0;
            long bufferedIntervals = 0;
            Duration length = seconds(8);
            for (Mode mode : List.of(direct, buffered)) {
                Database.Counts before = db.counts(mode.database());
                long windowStart = System.nanoTime();
                Load.Outcome beats = Load.openLoop(mode.address(), connections / 2, (double) users * perUser, length,
                        Duration.ofSeconds(2), heartbeats(users, ++phase));
                pause(presenceIntervalMillis + 1000); // the last drain of the buffered mode
                long written = db.counts(mode.database()).minus(before).upsertedRows();
                int m = mode == direct ? 0 : 1;
                rows[m] = (double) written / users / (length.toMillis() / 1000.0);
                accepted[m] = beats.okPerSecond();
                if (mode == buffered) {
                    bufferedRows = written;
                    double window = (System.nanoTime() - windowStart) / 1e6;
                    bufferedIntervals = (long) Math.ceil(window / presenceIntervalMillis);
                }
            }
            heartbeats.add(new Heartbeats(perUser, rows[0], rows[1], bufferedRows, bufferedIntervals, accepted[0],
                    accepted[1]));
        }

        String loadAfter = Cpu.loadAverage();
        report(directSats, bufferedSats, steps, delivery == null ? new double[0] : delivery, half, heartbeats, users,
                seconds(8), loadBefore, loadAfter);
    }

    private static Saturation best(List<Saturation> saturations) {
        return saturations.stream().max((a, b) -> Double.compare(a.load().okPerSecond(), b.load().okPerSecond())).orElseThrow();
    }

    private Saturation saturate(Mode mode, Duration length, int clients) throws InterruptedException {
        Database.Counts before = db.counts(mode.database());
        double app = Cpu.seconds(mode.pid(), false);
        double database = Cpu.seconds(dbPid, true);
        double load = Cpu.own();
        Load.Outcome outcome = Load.closedLoop(mode.address(), clients, length, pageViews("sat"));
        app = Cpu.seconds(mode.pid(), false) - app;
        database = Cpu.seconds(dbPid, true) - database;
        load = Cpu.own() - load;
        db.awaitInserted(mode.database(), before, outcome.ok());
        Database.Counts counts = db.counts(mode.database()).minus(before);
        return new Saturation(clients, outcome, counts, app, database, load);
    }

    /** Page views of tag {@code tag}, as the load generator posts them. */
    static LongFunction<byte[]> pageViews(String tag) {
        return i -> HttpConnection.request("POST", "/events",
                "{\"user\":\"u" + (i % 1000) + "\",\"path\":\"/" + tag + "/" + i + "\"}");
    }

    /** Heartbeat {@code i} goes to user {@code i % users}; versions grow with {@code i} and with the phase. */
    private static LongFunction<byte[]> heartbeats(int users, int phase) {
        return i -> HttpConnection.request("PUT", "/presence/h" + (i % users),
                "{\"status\":\"online\",\"at\":" + (phase * 1_000_000_000L + i) + "}");
    }

    private void report(List<Saturation> directSats, List<Saturation> bufferedSats, List<Step> steps, double[] delivery, double half,
                        List<Heartbeats> heartbeats, int users, Duration beatLength, String loadBefore,
                        String loadAfter) throws IOException {
        OUT.println();
        OUT.println("End to end: sample service on PostgreSQL " + db.query("postgres", "show server_version").get(0)
                + ", " + Runtime.getRuntime().availableProcessors() + " cores shared by load generator, service and database");
        OUT.println("load average before: " + loadBefore + "; after: " + loadAfter);
        OUT.println();
        Saturation direct = best(directSats);
        Saturation buffered = best(bufferedSats);
        String f = "%-10s %5s %12s %9s %9s %9s %10s %11s %8s %8s %8s%n";
        OUT.println("Saturation, closed loop, one page view per request; '*' marks each mode's best, its saturation");
        OUT.printf(Locale.ROOT, f, "mode", "conns", "page views/s", "p50 ms", "p99 ms", "p99.9 ms", "tx/1000pv",
                "stmt/1000pv", "app CPU", "db CPU", "load CPU");
        for (List<Saturation> sats : List.of(directSats, bufferedSats)) {
            for (Saturation s : sats) {
                boolean best = s == direct || s == buffered;
                OUT.printf(Locale.ROOT, "%-10s %5d %12s %9.2f %9.2f %9.2f %10.1f %11.1f %8.2f %8.2f %8.2f%n",
                        sats == directSats ? "direct" : "buffered", s.connections(), String.format(Locale.ROOT, "%.0f%s",
                                s.load().okPerSecond(), best ? "*" : " "), s.load().millis(0.5), s.load().millis(0.99),
                        s.load().millis(0.999), s.per1000(s.counts().transactions()), s.per1000(s.counts().statements()),
                        s.appCpu(), s.dbCpu(), s.loadCpu());
            }
        }
        OUT.printf(Locale.ROOT, "(refused: direct %d, buffered %d; failed: %d, %d; CPU in cores)%n",
                direct.load().refused(), buffered.load().refused(), direct.load().failed(), buffered.load().failed());
        OUT.println("CPU per page view at saturation, microseconds: what bounds each mode on these shared cores");
        for (Saturation s : List.of(direct, buffered)) {
            double pv = s.load().okPerSecond();
            OUT.printf(Locale.ROOT, "  %-9s service %6.0f   database %6.0f   load generator %5.0f   total %6.0f%n",
                    s == direct ? "direct" : "buffered", 1e6 * s.appCpu() / pv, 1e6 * s.dbCpu() / pv,
                    1e6 * s.loadCpu() / pv, 1e6 * (s.appCpu() + s.dbCpu() + s.loadCpu()) / pv);
        }
        OUT.println();

        OUT.println("Open loop: HTTP latency at fixed offered loads (measured from when each request was due)");
        String g = "%12s | %10s %9s %9s %10s | %10s %9s %9s %10s%n";
        OUT.printf(Locale.ROOT, g, "offered/s", "direct/s", "p50 ms", "p99 ms", "p99.9 ms", "buffered/s", "p50 ms",
                "p99 ms", "p99.9 ms");
        boolean p99Below = true;
        StringBuilder worst = new StringBuilder();
        for (Step s : steps) {
            OUT.printf(Locale.ROOT, "%12.0f | %10.0f %9.2f %9.2f %10.2f | %10.0f %9.2f %9.2f %10.2f%s%n", s.offered(),
                    s.direct().okPerSecond(), s.direct().millis(0.5), s.direct().millis(0.99), s.direct().millis(0.999),
                    s.buffered().okPerSecond(), s.buffered().millis(0.5), s.buffered().millis(0.99), s.buffered().millis(0.999),
                    (s.direct().overloaded() ? "  direct overloaded" : "") + (s.buffered().overloaded() ? "  buffered overloaded" : ""));
            if (!(s.buffered().millis(0.99) < s.direct().millis(0.99))) {
                p99Below = false;
                worst.append(String.format(Locale.ROOT, " at %.0f/s: %.2f vs %.2f ms;", s.offered(),
                        s.buffered().millis(0.99), s.direct().millis(0.99)));
            }
        }
        OUT.println();

        double[] sortedDelivery = delivery.clone();
        Arrays.sort(sortedDelivery);
        double d50 = quantile(sortedDelivery, 0.5);
        double d99 = quantile(sortedDelivery, 0.99);
        double d999 = quantile(sortedDelivery, 0.999);
        double dmax = sortedDelivery.length == 0 ? Double.NaN : sortedDelivery[sortedDelivery.length - 1];
        OUT.printf(Locale.ROOT, "Delivery, buffered, at %.0f page views/s (half of saturation): %d page views, from"
                + " acceptance to committed row: p50 %.0f ms, p99 %.0f ms, p99.9 %.0f ms, max %.0f ms%n%n", half,
                sortedDelivery.length, d50, d99, d999, dmax);

        OUT.printf(Locale.ROOT, "Presence: %d users, heartbeats for %d s; database row writes per user per second%n",
                users, beatLength.toSeconds());
        OUT.printf(Locale.ROOT, "%18s %12s %14s %22s %13s %15s%n", "heartbeats/user/s", "direct rows",
                "buffered rows", "buffered rows/user/int.", "direct acc/s", "buffered acc/s");
        boolean coalesced = true;
        double worstPerInterval = 0;
        for (Heartbeats h : heartbeats) {
            double perInterval = (double) h.bufferedRows() / users / h.bufferedIntervals();
            worstPerInterval = Math.max(worstPerInterval, perInterval);
            OUT.printf(Locale.ROOT, "%18d %12.2f %14.2f %22s %13.0f %15.0f%n", h.perUserPerSecond(),
                    h.directRowsPerUserSecond(), h.bufferedRowsPerUserSecond(), String.format(Locale.ROOT, "%.2f (%d in %d)",
                            perInterval, h.bufferedRows(), h.bufferedIntervals()), h.directAccepted(), h.bufferedAccepted());
            coalesced &= h.bufferedRows() <= (long) users * h.bufferedIntervals();
        }
        OUT.println("(rows per user per second over the heartbeats' duration; per user per interval over the window"
                + " from the first heartbeat to the last drain)");
        OUT.println();

        // A mode's saturation is the most page views per second it accepted anywhere in the run: its
        // best closed loop, or an open-loop rate it kept up with (or served while overloaded).
        double directBest = direct.load().okPerSecond();
        double bufferedBest = buffered.load().okPerSecond();
        for (Step s : steps) {
            directBest = Math.max(directBest, s.direct().okPerSecond());
            bufferedBest = Math.max(bufferedBest, s.buffered().okPerSecond());
        }
        OUT.printf(Locale.ROOT, "Most page views/s accepted anywhere in the run (closed or open loop): direct %.0f,"
                + " buffered %.0f; the throughput target is judged on these%n%n", directBest, bufferedBest);
        double ratio = bufferedBest / directBest;
        double maxRowsPerUserSecond = heartbeats.stream().mapToDouble(Heartbeats::bufferedRowsPerUserSecond).max().orElse(0);
        List<String[]> targets = List.of(
                target("buffered accepts >= 10x the page views/s of direct",
                        String.format(Locale.ROOT, "%.1fx (%.0f vs %.0f /s, the most each accepted in the run)", ratio,
                                bufferedBest, directBest), ratio >= 10),
                target("<= 5 database transactions per 1,000 page views (buffered)",
                        String.format(Locale.ROOT, "%.2f (direct: %.0f)", buffered.per1000(buffered.counts().transactions()),
                                direct.per1000(direct.counts().transactions())), buffered.per1000(buffered.counts().transactions()) <= 5),
                target("presence writes <= 1 row per user per processing-interval (" + presenceIntervalMillis + " ms)",
                        String.format(Locale.ROOT, "at most %.2f rows/user/interval (%.2f rows/user/s) at up to %d"
                                + " heartbeats/user/s", worstPerInterval, maxRowsPerUserSecond,
                                heartbeats.get(heartbeats.size() - 1).perUserPerSecond()),
                        coalesced),
                target("HTTP p99 of buffered below direct's at every offered load",
                        p99Below ? steps.size() + " of " + steps.size() + " loads" : "not at" + worst, p99Below),
                target("delivery p99 <= processing-interval + 250 ms (" + (eventsIntervalMillis + 250)
                        + " ms) at half of saturation", String.format(Locale.ROOT, "%.0f ms", d99),
                        d99 <= eventsIntervalMillis + 250));
        OUT.println("Targets");
        for (String[] t : targets) {
            OUT.printf(Locale.ROOT, "  %-6s %-80s %s%n", t[2], t[0], t[1]);
        }

        E2eFiles.writeTsv(out, direct, buffered, steps, heartbeats, sortedDelivery);
        E2eFiles.drawCharts(charts, eventsIntervalMillis, direct, buffered, directBest, bufferedBest, steps, sortedDelivery, half, d50, d99);
        OUT.println();
        OUT.println("numbers: " + out.resolve("e2e.tsv") + "; charts: " + charts.resolve("e2e-*.svg"));
    }

    private static String[] target(String what, String measured, boolean met) {
        return new String[] {what, measured, met ? "met" : "MISSED"};
    }

    private static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[(int) Math.max(0, Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1))];
    }

    private static void pause(long millis) throws InterruptedException {
        Thread.sleep(millis); // a pause between phases, not a wait for a condition
    }
}
