package io.tidefall;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The journal's file format. A segment file is preallocated (zeros) and starts with a header
 * ({@link #MAGIC}, the buffer kind, and the segment's order: the number of the table it was
 * given to, 0 while it is a spare), followed by frames at 4-byte aligned offsets:
 * <pre>
 *   int state | length (of the payload, 1 to MAX_PAYLOAD)  |  int CRC32C (of the payload)  |  payload, padded to 4
 * </pre>
 * big-endian. The state says how far its writer got, so that replay tells an unfinished frame
 * from a damaged one:
 * <ul>
 *   <li>{@code 0}: nothing was claimed here. Either the end of what was written, or the bytes a
 *       writer reserved before it died, or the unused end of a part that a frame did not fit:
 *       the reader skips zero words to the next frame, if any.
 *   <li>{@link #CLAIMED}: a writer reserved and claimed the frame and was writing it; its write
 *       never returned (a crash). Skipped by its length, counted, never called damage.
 *   <li>{@link #COMMITTED}: complete; its checksum must match, or the segment is damaged.
 *   <li>{@link #CANCELLED}: the space was reserved for a write the table then refused, or is the
 *       end of a part that the reservation crossing it left ({@link #skip}). Skipped.
 * </ul>
 * Write order ({@link #commit}): the claim word first, then (after a store-store fence) checksum
 * and payload, then the committed word with a release store. A crash (the memory of the mapping
 * stays with the operating system) therefore leaves a frame either zero, or claimed with its
 * length, or committed and whole; several writers can die mid-frame near the tail, and the complete
 * frames after theirs are still found.
 *
 * <p>A segment whose header says order 0 is a spare: never given to a table, or recycled (its old
 * frames are being zeroed), and read as empty.
 */
final class JournalFrame {

    /** "TFJ2". */
    static final int MAGIC = 0x54464A32;
    static final int HEADER = 16;
    static final int ORDER_OFFSET = 8;
    static final int FRAME = 8;
    /** A record is one element (a map's key and value); larger ones are refused at write. */
    static final int MAX_PAYLOAD = 64 << 20;

    static final int KIND_QUEUE = 1;
    static final int KIND_MAP = 2;

    static final int CLAIMED = 0x4000_0000;
    static final int COMMITTED = 0x2000_0000;
    static final int CANCELLED = 0x1000_0000;
    private static final int LENGTH = 0x0FFF_FFFF;
    private static final int STATE = ~LENGTH;

    /** The smallest frame: a reservation of fewer bytes than this holds no frame, and gets no skip frame. */
    static final int MIN_FRAME = FRAME + 4;
    private static final byte[] ZEROS = new byte[64 << 10];

    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private JournalFrame() {
    }

    /** Writes a spare segment's header: not yet given to a table (order 0). */
    static void header(ByteBuffer region, int kind) {
        region.putInt(0, MAGIC).putInt(4, kind).putLong(ORDER_OFFSET, 0);
    }

    /** Marks a segment as a spare again (order 0), before anything else is stored into it: see {@link JournalSegment#recycle}. */
    static void spare(ByteBuffer region) {
        region.putLong(ORDER_OFFSET, 0);
        VarHandle.storeStoreFence();
    }

    /** Bytes a frame of {@code payloadLength} takes, header and padding included. */
    static int size(int payloadLength) {
        if (payloadLength <= 0 || payloadLength > MAX_PAYLOAD) {
            throw new IllegalArgumentException("a journal record holds 1 to " + MAX_PAYLOAD + " bytes, not " + payloadLength);
        }
        return FRAME + ((payloadLength + 3) & ~3);
    }

    /** Writes the frame of {@code payload} at {@code at} (reserved by this writer alone); see the class comment for the order. */
    static void commit(ByteBuffer region, int at, byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(payload, 0, payload.length);
        INT.set(region, at, CLAIMED | payload.length);
        VarHandle.storeStoreFence(); // the claim is in memory before any byte of the payload
        region.putInt(at + 4, (int) crc.getValue());
        region.put(at + FRAME, payload);
        INT.setRelease(region, at, COMMITTED | payload.length);
    }

    /** Marks the frame reserved at {@code at} as never written (its table refused the write). */
    static void cancel(ByteBuffer region, int at, int payloadLength) {
        INT.setRelease(region, at, CANCELLED | payloadLength);
    }

    /**
     * Marks {@code [at, end)} as skipped: the reservation at {@code at} crossed the end of its part,
     * so nothing else will be written there. Its last word in the part, as a commit or a cancel is
     * for a frame that fits: {@link #allFinished} waits for it.
     */
    static void skip(ByteBuffer region, int at, int end) {
        if (end - at >= MIN_FRAME) {
            INT.setRelease(region, at, CANCELLED | (end - at - FRAME));
        }
    }

    /**
     * Whether every frame reserved in {@code [start, reservedEnd)} of a part of {@code capacity}
     * bytes was committed, cancelled or skipped: then no writer will store into the range again.
     * A zero word (reserved, not claimed yet) or a claimed one (being written) is a writer still
     * at work. Each word is read with acquire, so the stores of a finished frame happen before what
     * the caller does next (zero the range).
     */
    static boolean allFinished(ByteBuffer region, int start, long reservedEnd, int capacity) {
        int end = (int) Math.min(reservedEnd, capacity);
        for (int at = start; at < end && capacity - at >= MIN_FRAME;) {
            int word = (int) INT.getAcquire(region, at);
            int state = word & STATE;
            if (state != COMMITTED && state != CANCELLED) {
                return false;
            }
            at += size(word & LENGTH);
        }
        return true;
    }

    /** Writes zeros to {@code [from, to)} of {@code region}. */
    static void zero(ByteBuffer region, int from, int to) {
        for (int at = from; at < to; at += ZEROS.length) {
            region.put(at, ZEROS, 0, Math.min(ZEROS.length, to - at));
        }
    }

    /**
     * What {@link #read} found in a segment.
     *
     * @param order the number of the table the segment was given to; 0: a spare, never given
     * @param unfinished frames a crash left claimed but not committed (their writes never returned)
     */
    record Contents(int kind, long order, List<byte[]> payloads, int unfinished, boolean damaged, String problem) {
    }

    /** Reads a whole segment file's bytes; see the class comment for the states of a frame. */
    static Contents read(byte[] file) {
        if (file.length < HEADER) {
            // The header is written before the file is used: a shorter one was cut while being created.
            return new Contents(0, 0, List.of(), 0, false, "");
        }
        ByteBuffer in = ByteBuffer.wrap(file);
        int magic = in.getInt(0);
        int kind = in.getInt(4);
        long order = in.getLong(ORDER_OFFSET);
        if (magic == 0 && kind == 0) {
            // Preallocated, header not written yet: a spare cut while being made; no table ever had it.
            return new Contents(0, 0, List.of(), 0, false, "");
        }
        if (magic != MAGIC || (kind != KIND_QUEUE && kind != KIND_MAP)) {
            return new Contents(kind, order, List.of(), 0, true, "not a journal segment header");
        }
        if (order == 0) {
            // A spare: never given to a table, or recycled after its table settled and maybe cut while being zeroed.
            return new Contents(kind, 0, List.of(), 0, false, "");
        }
        List<byte[]> payloads = new ArrayList<>();
        CRC32C crc = new CRC32C();
        int unfinished = 0;
        int at = HEADER;
        while (at + 4 <= file.length) {
            int word = in.getInt(at);
            if (word == 0) {
                at += 4; // the end, a reservation whose writer died before claiming it, or the unused end of a part
                continue;
            }
            int state = word & STATE;
            int length = word & LENGTH;
            if (length == 0 || length > MAX_PAYLOAD || at + size(length) > file.length
                    || (state != CLAIMED && state != COMMITTED && state != CANCELLED)) {
                return new Contents(kind, order, payloads, unfinished, true, "impossible frame word " + word + " at offset " + at);
            }
            if (state == COMMITTED) {
                crc.reset();
                crc.update(file, at + FRAME, length);
                if ((int) crc.getValue() != in.getInt(at + 4)) {
                    return new Contents(kind, order, payloads, unfinished, true, "checksum mismatch at offset " + at);
                }
                byte[] payload = new byte[length];
                System.arraycopy(file, at + FRAME, payload, 0, length);
                payloads.add(payload);
            } else if (state == CLAIMED) {
                unfinished++;
            }
            at += size(length);
        }
        return new Contents(kind, order, payloads, unfinished, false, "");
    }
}
