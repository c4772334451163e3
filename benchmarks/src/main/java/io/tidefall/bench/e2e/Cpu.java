package io.tidefall.bench.e2e;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of a process, from {@code /proc}: user and system time of the process and of its
 * children that have exited; with {@code withChildren}, also of its live children (PostgreSQL's
 * backends are children of the postmaster).
 */
final class Cpu {

    /** Linux reports these times in clock ticks of 1/100 s on every common configuration. */
    private static final double TICK_SECONDS = 0.01;

    private Cpu() {
    }

    static double seconds(long pid, boolean withChildren) {
        double total = ticks(pid, true);
        if (withChildren) {
            try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
                for (Path process : processes) {
                    long child = Long.parseLong(process.getFileName().toString());
                    String[] f = fields(child);
                    if (f != null && Long.parseLong(f[1]) == pid) {
                        total += ticks(child, true);
                    }
                }
            } catch (IOException failure) {
                throw new IllegalStateException("cannot list /proc", failure);
            }
        }
        return total * TICK_SECONDS;
    }

    private static long ticks(long pid, boolean waitedChildren) {
        String[] f = fields(pid);
        if (f == null) {
            return 0;
        }
        // after the command's closing parenthesis: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        if (waitedChildren) {
            ticks += Long.parseLong(f[13]) + Long.parseLong(f[14]);
        }
        return ticks;
    }

    /** The fields of {@code /proc/pid/stat} after the command name, or null when the process is gone. */
    private static String[] fields(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        } catch (IOException | RuntimeException gone) {
            return null;
        }
    }

    /** CPU seconds this process (the load generator) has used. */
    static double own() {
        return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
    }

    /** The machine's load averages, for the report. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2] + " (1, 5, 15 min)";
        } catch (IOException failure) {
            return "unknown";
        }
    }
}
