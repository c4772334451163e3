package io.tidefall.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Senders posting one page view per request, each with a unique path, at a steady rate, to a
 * running sample app; remembers the path of every page view answered 202, which is what the
 * service promised to store. {@link #retarget(int)} points the senders at another port (a
 * restarted application).
 */
final class PageViewLoad implements AutoCloseable {

    private final String run;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Set<String> accepted = ConcurrentHashMap.newKeySet();
    private final Map<Integer, AtomicLong> answers = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final List<Thread> senders = new ArrayList<>();
    private volatile int port;
    private volatile boolean sending = true;

    /**
     * @param perSecond page views per second, all senders together
     */
    PageViewLoad(String run, int port, int senders, int perSecond) {
        this.run = run;
        this.port = port;
        long pauseNanos = 1_000_000_000L * senders / perSecond;
        for (int i = 0; i < senders; i++) {
            Thread sender = new Thread(() -> send(pauseNanos), "page-view-sender-" + i);
            sender.setDaemon(true);
            this.senders.add(sender);
            sender.start();
        }
    }

    void retarget(int newPort) {
        this.port = newPort;
    }

    /** Paths of the page views answered 202 so far. */
    Set<String> accepted() {
        return Set.copyOf(this.accepted);
    }

    long acceptedCount() {
        return this.accepted.size();
    }

    /** How many requests got each status (0: no answer). */
    Map<Integer, Long> answers() {
        Map<Integer, Long> counts = new java.util.TreeMap<>();
        this.answers.forEach((status, count) -> counts.put(status, count.get()));
        return counts;
    }

    /** Stops the senders and waits for their last requests. */
    @Override
    public void close() throws InterruptedException {
        this.sending = false;
        for (Thread sender : this.senders) {
            sender.join(Duration.ofSeconds(10).toMillis());
        }
    }

    private void send(long pauseNanos) {
        long next = System.nanoTime();
        while (this.sending) {
            long n = this.sequence.incrementAndGet();
            String path = "/" + this.run + "/" + n;
            String body = "{\"user\":\"u" + (n % 50) + "\",\"path\":\"" + path + "\"}";
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/events"))
                    .timeout(Duration.ofSeconds(5))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            int status;
            try {
                status = this.http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException noAnswer) {
                status = 0;
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return;
            }
            if (status == 202) {
                this.accepted.add(path);
            }
            this.answers.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
            next += pauseNanos; // a steady rate, not a wait for anything
            long ahead = next - System.nanoTime();
            if (ahead > 0) {
                LockSupport.parkNanos(ahead);
            } else {
                next = System.nanoTime();
            }
        }
    }
}
