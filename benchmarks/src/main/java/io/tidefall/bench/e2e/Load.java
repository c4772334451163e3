package io.tidefall.bench.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;

/**
 * The load generator. Closed loop: {@code connections} clients each send a request as soon as the
 * previous one is answered (the rate the service can take). Open loop: requests are due at a fixed
 * rate whether or not earlier ones were answered, and each latency is measured from when its
 * request was due, not from when a free connection sent it, so a stalled service shows up as
 * latency instead of slowing the load down (no coordinated omission).
 *
 * <p>Threads: one per connection. Shared state: the ticket counter (each request's index, which
 * fixes when it is due) and the abort flag, both atomic or volatile; each thread records its own
 * latencies, which the caller reads after joining the threads.
 */
final class Load {

    private Load() {
    }

    /** What one run of load measured. Latencies are sorted, in nanoseconds. */
    record Outcome(long ok, long refused, long failed, long late, double seconds, long[] latencies, boolean overloaded) {

        /** This outcome and {@code other} (null for none) as one: their counts, times and latencies together. */
        Outcome plus(Outcome other) {
            if (other == null) {
                return this;
            }
            long[] both = Arrays.copyOf(latencies, latencies.length + other.latencies.length);
            System.arraycopy(other.latencies, 0, both, latencies.length, other.latencies.length);
            Arrays.sort(both);
            return new Outcome(ok + other.ok, refused + other.refused, failed + other.failed, late + other.late,
                    seconds + other.seconds, both, overloaded || other.overloaded);
        }

        double okPerSecond() {
            return ok / seconds;
        }

        double millis(double quantile) {
            if (latencies.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.min(latencies.length - 1, Math.ceil(quantile * latencies.length) - 1);
            return latencies[Math.max(0, index)] / 1e6;
        }
    }

    static Outcome closedLoop(InetSocketAddress address, int connections, Duration duration,
                              LongFunction<byte[]> requests) throws InterruptedException {
        return run(address, connections, 0, duration, Duration.ZERO, requests);
    }

    /**
     * @param maxLag when a request is this late in being sent (every connection busy), the run
     *               stops: the service is overloaded; the requests due until then and not sent
     *               count as late, with their wait until the stop as a lower bound of their latency
     */
    static Outcome openLoop(InetSocketAddress address, int connections, double perSecond, Duration duration,
                            Duration maxLag, LongFunction<byte[]> requests) throws InterruptedException {
        return run(address, connections, perSecond, duration, maxLag, requests);
    }

    private static Outcome run(InetSocketAddress address, int connections, double perSecond, Duration duration,
                               Duration maxLag, LongFunction<byte[]> requests) throws InterruptedException {
        boolean open = perSecond > 0;
        double period = open ? 1e9 / perSecond : 0;
        long total = open ? (long) (perSecond * duration.toNanos() / 1e9) : Long.MAX_VALUE;
        AtomicLong tickets = new AtomicLong();
        AtomicLong stoppedAt = new AtomicLong(Long.MAX_VALUE);
        long start = System.nanoTime() + 20_000_000; // every thread started before the first request is due
        long end = start + duration.toNanos();
        List<Client> clients = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            clients.add(new Client(new HttpConnection(address)));
        }
        List<Thread> threads = new ArrayList<>();
        for (Client client : clients) {
            Thread thread = new Thread(() -> {
                LockSupport.parkNanos(start - System.nanoTime());
                while (true) {
                    long i = tickets.getAndIncrement();
                    long due;
                    if (open) {
                        if (i >= total) {
                            break;
                        }
                        due = start + (long) (i * period);
                        long now = System.nanoTime();
                        if (now - due > maxLag.toNanos() || now > stoppedAt.get()) {
                            stoppedAt.accumulateAndGet(now, Math::min);
                            break;
                        }
                        if (due > now) {
                            LockSupport.parkNanos(due - now);
                        }
                    } else {
                        due = System.nanoTime();
                        if (due >= end) {
                            break;
                        }
                    }
                    client.send(requests.apply(i), due);
                }
            }, "load-" + threads.size());
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        long ok = 0;
        long refused = 0;
        long failed = 0;
        long sent = 0;
        long last = start;
        LongList latencies = new LongList();
        for (Client client : clients) {
            client.connection.close();
            ok += client.ok;
            refused += client.refused;
            failed += client.failed;
            sent += client.latencies.size;
            last = Math.max(last, client.lastAnswer);
            latencies.addAll(client.latencies);
        }
        boolean overloaded = stoppedAt.get() != Long.MAX_VALUE;
        long late = 0;
        if (overloaded) {
            // Requests due before the stop that no connection was free to send: waiting at least until the stop.
            long stop = stoppedAt.get();
            long dueBeforeStop = Math.min(total, (long) ((stop - start) / period) + 1);
            for (long i = sent; i < dueBeforeStop; i++) {
                latencies.add(stop - (start + (long) (i * period)));
                late++;
            }
            last = Math.max(last, stop);
        }
        double seconds = open ? Math.max(duration.toNanos(), last - start) / 1e9 : duration.toNanos() / 1e9;
        if (overloaded) {
            seconds = (last - start) / 1e9;
        }
        long[] sorted = latencies.toArray();
        Arrays.sort(sorted);
        return new Outcome(ok, refused, failed, late, seconds, sorted, overloaded);
    }

    /** One connection and what it measured; used by one thread only. */
    private static final class Client {
        final HttpConnection connection;
        final LongList latencies = new LongList();
        long ok;
        long refused;
        long failed;
        long lastAnswer;

        Client(HttpConnection connection) {
            this.connection = connection;
        }

        void send(byte[] request, long due) {
            try {
                int status = connection.exchange(request);
                if (status >= 200 && status < 300) {
                    ok++;
                } else {
                    refused++;
                }
            } catch (IOException failure) {
                failed++;
            }
            lastAnswer = System.nanoTime();
            latencies.add(lastAnswer - due);
        }
    }

    /** A growable array of longs, to record a latency without boxing it. */
    static final class LongList {
        long[] values = new long[1024];
        int size;

        void add(long value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        void addAll(LongList other) {
            for (int i = 0; i < other.size; i++) {
                add(other.values[i]);
            }
        }

        long[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
