package io.tidefall.bench.e2e;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The buffered sample with its {@code events} buffer journaled ({@code durability: process}, as it
 * ships) against the same service with {@code durability: memory}, run by {@code benchmarks/e2e.sh}
 * after {@link EndToEnd}: both started afresh, each on its own database of the same PostgreSQL,
 * both warmed up alike (three rounds of 10 s each, in turns), then
 * closed-loop saturation at 64 connections, the two taking turns in three slices so that a slow
 * spell of the shared machine hits both. Prints page views/s, HTTP p99 and the service's CPU per
 * 1,000 page views of each, and the target {@code process >= 0.8x memory} as met or MISSED.
 */
public final class DurabilityComparison {

    private static final PrintStream OUT = System.out;
    private static final int SLICES = 3;
    private static final int CONNECTIONS = 64;
    private static final double TARGET = 0.8;

    private final Database db;
    private final double scale;

    private DurabilityComparison(Database db, double scale) {
        this.db = db;
        this.scale = scale;
    }

    public static void main(String[] args) throws Exception {
        String process = null;
        String memory = null;
        long processPid = 0;
        long memoryPid = 0;
        String psql = "psql";
        String socket = null;
        int port = 5432;
        double scale = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--process" -> process = args[++i];
                case "--memory" -> memory = args[++i];
                case "--process-pid" -> processPid = Long.parseLong(args[++i]);
                case "--memory-pid" -> memoryPid = Long.parseLong(args[++i]);
                case "--psql" -> psql = args[++i];
                case "--socket" -> socket = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--scale" -> scale = Double.parseDouble(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        if (process == null || memory == null || socket == null) {
            throw new IllegalArgumentException("--process host:port, --memory host:port and --socket dir are required");
        }
        Mode journaled = new Mode("process", EndToEnd.address(process), processPid, "journaled");
        Mode inMemory = new Mode("memory", EndToEnd.address(memory), memoryPid, "memory");
        boolean met = new DurabilityComparison(new Database(psql, socket, port), scale).run(journaled, inMemory);
        System.exit(met ? 0 : 1);
    }

    private boolean run(Mode journaled, Mode inMemory) throws InterruptedException {
        OUT.println("durability: load average before: " + Cpu.loadAverage());
        for (int round = 0; round < 3; round++) {
            for (Mode mode : List.of(inMemory, journaled)) {
                OUT.println("durability: warming up " + mode.name());
                Load.closedLoop(mode.address(), CONNECTIONS, seconds(10), EndToEnd.pageViews("dw"));
            }
        }
        Load.Outcome[] outcomes = new Load.Outcome[2];
        double[] cpu = new double[2];
        long[] stored = new long[2];
        List<Mode> modes = List.of(inMemory, journaled);
        OUT.println("durability: saturation (closed loop, " + CONNECTIONS + " connections), memory and process in turns");
        for (int slice = 0; slice < SLICES; slice++) {
            for (int m = 0; m < 2; m++) {
                Mode mode = modes.get(m);
                Database.Counts before = db.counts(mode.database());
                double app = Cpu.seconds(mode.pid(), false);
                Load.Outcome outcome = Load.closedLoop(mode.address(), CONNECTIONS, seconds(4), EndToEnd.pageViews("d" + slice));
                cpu[m] += Cpu.seconds(mode.pid(), false) - app;
                db.awaitInserted(mode.database(), before, outcome.ok());
                stored[m] += db.counts(mode.database()).minus(before).insertedRows();
                outcomes[m] = outcome.plus(outcomes[m]);
            }
        }
        OUT.println();
        OUT.printf(Locale.ROOT, "%-8s %14s %12s %16s %14s %10s%n", "events", "page views/s", "HTTP p99", "CPU s per 1,000",
                "accepted", "stored");
        for (int m = 0; m < 2; m++) {
            Load.Outcome outcome = outcomes[m];
            OUT.printf(Locale.ROOT, "%-8s %14.0f %9.1f ms %16.3f %14d %10d%n", modes.get(m).name(), outcome.okPerSecond(),
                    outcome.millis(0.99), 1000 * cpu[m] / Math.max(1, outcome.ok()), outcome.ok(), stored[m]);
        }
        double ratio = outcomes[1].okPerSecond() / outcomes[0].okPerSecond();
        boolean met = ratio >= TARGET;
        OUT.printf(Locale.ROOT, "%n  %s  durability process >= %.1fx the page views/s of memory (buffered sample): %.2fx%n",
                met ? "met   " : "MISSED", TARGET, ratio);
        OUT.println("durability: load average after: " + Cpu.loadAverage());
        return met;
    }

    private Duration seconds(double seconds) {
        return Duration.ofMillis((long) (seconds * scale * 1000));
    }
}
