package io.tidefall.spring.deadletter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.tidefall.Buffer;
import io.tidefall.PartitionStats;
import io.tidefall.spring.TidefallBuffers;

/**
 * Delivers dead letters without a person: while a buffer has some, it probes the buffer's sink
 * with the oldest stored batch, on a backoff, and replays the rest as soon as the sink takes
 * writes again.
 *
 * <p>A probe is a replay of the oldest batch file into the buffer, so it goes the way every
 * element goes (the processor, its timeout, retries, meters and observations), and its elements
 * are accepted writes again: delivered, or dead-lettered once more at their new deadline. The
 * probe has passed when the buffer delivered something since it started and no partition
 * retries (the sink took writes); it has failed when a partition retries. A buffer that retries
 * its own elements is a failed probe already, without one. After a pass, everything stored is
 * replayed. Each probe, passed or failed, doubles the pause before the next, up to
 * {@code backoffMax}, until the buffer has nothing stored: elements that fail alone (poison) come
 * back to the store after every replay, and are then offered only every {@code backoffMax}.
 *
 * <p>Concurrency: {@link #check()} runs on one thread (the auto-configuration's timer, or a
 * test's); the per-buffer state below is confined to it. Replays are serialized with the
 * endpoint's and the start's by the store.
 */
public class DeadLetterHealer {

    private static final Log logger = LogFactory.getLog(DeadLetterHealer.class);

    private final DeadLetterStore store;
    private final TidefallBuffers buffers;
    private final Duration backoff;
    private final Duration backoffMax;
    private final Clock clock;
    private final Map<String, Patient> patients = new ConcurrentHashMap<>();

    public DeadLetterHealer(DeadLetterStore store, TidefallBuffers buffers, Duration backoff, Duration backoffMax) {
        this(store, buffers, backoff, backoffMax, Clock.systemUTC());
    }

    public DeadLetterHealer(DeadLetterStore store, TidefallBuffers buffers, Duration backoff, Duration backoffMax, Clock clock) {
        if (backoff.isNegative() || backoff.isZero() || backoffMax.compareTo(backoff) < 0) {
            throw new IllegalArgumentException("The probe backoff must be positive and at most the probe backoff max, but was "
                    + backoff + " and " + backoffMax);
        }
        this.store = store;
        this.buffers = buffers;
        this.backoff = backoff;
        this.backoffMax = backoffMax;
        this.clock = clock;
    }

    /** One round over every buffer with dead letters: probes, judges a probe, or replays, as each one is due. */
    public void check() {
        for (String name : this.store.buffers()) {
            Buffer buffer = this.buffers.find(name);
            if (buffer == null || !buffer.isRunning()) {
                continue;
            }
            try {
                check(buffer);
            } catch (RuntimeException failure) { // one buffer's trouble never stops the healing of the others
                logger.warn("Could not heal the dead letters of buffer '" + name + "'", failure);
            }
        }
    }

    private void check(Buffer buffer) {
        String name = buffer.name();
        Patient patient = this.patients.computeIfAbsent(name, n -> new Patient(this.backoff));
        Instant now = this.clock.instant();
        if (patient.probeDeliveredBefore < 0 && this.store.count(name) == 0) {
            patient.pause = this.backoff; // healed: the next trouble starts from the first pause
            return;
        }
        boolean retrying = false;
        long delivered = 0;
        for (int partition = 0; partition < buffer.partitions(); partition++) {
            PartitionStats stats = buffer.stats(partition);
            retrying |= stats.retrying();
            delivered += stats.drained();
        }
        if (patient.probeDeliveredBefore >= 0) {
            if (retrying) {
                patient.probeDeliveredBefore = -1;
                told(name, now, patient, "failed: the buffer retries what the sink refuses");
            } else if (delivered > patient.probeDeliveredBefore) {
                patient.probeDeliveredBefore = -1;
                ReplayResult replay = this.store.replay(buffer);
                told(name, now, patient, "delivered: the sink takes writes again; replayed " + replay.replayed()
                        + " element(s)" + (replay.remaining() > 0 ? ", " + replay.remaining() + " still stored" : ""));
                logger.info("The sink of buffer '" + name + "' takes writes again: replayed " + replay.replayed()
                        + " dead-lettered element(s)" + (replay.remaining() > 0 ? ", " + replay.remaining() + " still stored" : ""));
            }
            return; // else the probe's elements wait for their drain
        }
        if (now.isBefore(patient.nextProbe)) {
            return;
        }
        if (retrying) {
            told(name, now, patient, "failed: the buffer retries what the sink refuses (no probe needed)");
            return;
        }
        ReplayResult probe = this.store.replay(buffer, 1);
        if (probe.replayed() > 0) {
            patient.probeDeliveredBefore = delivered;
            this.store.probed(name, new DeadLetterBacklog.Probe(now, "probing with " + probe.replayed()
                    + " element(s) of the oldest batch", null));
        } else {
            told(name, now, patient, probe.problems().isEmpty() ? "nothing to probe with (superseded)"
                    : "could not probe: " + probe.problems().get(0));
        }
    }

    /** Ends a probe: records what it found and doubles the pause before the next. */
    private void told(String name, Instant now, Patient patient, String outcome) {
        patient.nextProbe = now.plus(patient.pause);
        this.store.probed(name, new DeadLetterBacklog.Probe(now, outcome, patient.nextProbe));
        Duration doubled = patient.pause.multipliedBy(2);
        patient.pause = doubled.compareTo(this.backoffMax) > 0 ? this.backoffMax : doubled;
    }

    /** What the healer knows of one buffer between rounds; confined to the checking thread. */
    private static final class Patient {
        Duration pause;
        Instant nextProbe = Instant.MIN;
        /** The buffer's delivered count when the probe in flight started; -1 when none is. */
        long probeDeliveredBefore = -1;

        Patient(Duration pause) {
            this.pause = pause;
        }
    }
}
