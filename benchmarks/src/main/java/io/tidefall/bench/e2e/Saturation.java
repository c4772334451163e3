package io.tidefall.bench.e2e;

/**
 * One mode's closed-loop run at one concurrency: what the load generator saw, what the database
 * counted, and the CPU seconds of service, database and load generator (the rates below are in cores).
 */
record Saturation(int connections, Load.Outcome load, Database.Counts counts, double appSeconds,
                  double dbSeconds, double loadSeconds) {

    double per1000(long count) {
        return 1000.0 * count / counts.insertedRows();
    }

    double appCpu() {
        return appSeconds / load.seconds();
    }

    double dbCpu() {
        return dbSeconds / load.seconds();
    }

    double loadCpu() {
        return loadSeconds / load.seconds();
    }

    Saturation plus(Saturation other) {
        return other == null ? this : new Saturation(connections, load.plus(other.load), counts.plus(other.counts),
                appSeconds + other.appSeconds, dbSeconds + other.dbSeconds, loadSeconds + other.loadSeconds);
    }
}
