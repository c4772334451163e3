package io.tidefall.bench.e2e;

import java.net.InetSocketAddress;

/** One way of running the service: where it listens, its process, its database. */
record Mode(String name, InetSocketAddress address, long pid, String database) {
}
