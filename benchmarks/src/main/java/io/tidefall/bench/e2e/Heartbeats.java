package io.tidefall.bench.e2e;

/**
 * One heartbeat rate in both modes. Row writes are counted over a window from before the first
 * heartbeat to after the last drain; {@code bufferedIntervals} is how many processing intervals
 * that window spans (rounded up), so at most one row per user per interval means
 * {@code bufferedRows <= users * bufferedIntervals}.
 */
record Heartbeats(int perUserPerSecond, double directRowsPerUserSecond, double bufferedRowsPerUserSecond,
                  long bufferedRows, long bufferedIntervals, double directAccepted, double bufferedAccepted) {
}
