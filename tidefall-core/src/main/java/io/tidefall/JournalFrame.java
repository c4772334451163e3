package io.tidefall;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The journal's file format. A segment starts with a header ({@link #MAGIC}, then the buffer
 * kind), followed by records, each framed as
 * <pre>
 *   int length (of the payload, at least 1)  |  int CRC32C (of the payload)  |  payload
 * </pre>
 * big-endian. Reading a segment ({@link #read}) tells three endings apart: clean; a torn tail (the
 * last record is incomplete or fails its checksum and nothing follows it: the process died while
 * writing it, so its writer never returned); and damage (a record that fails its checksum, or a
 * length that cannot be, with bytes after it: no crash of ours makes that, the file was harmed).
 */
final class JournalFrame {

    /** "TFJ1". */
    static final int MAGIC = 0x54464A31;
    static final int HEADER = 8;
    static final int FRAME = 8;
    /** A record is one element (a map's key and value); larger ones are refused at write. */
    static final int MAX_PAYLOAD = 64 << 20;

    static final int KIND_QUEUE = 1;
    static final int KIND_MAP = 2;

    private JournalFrame() {
    }

    static byte[] header(int kind) {
        return ByteBuffer.allocate(HEADER).putInt(MAGIC).putInt(kind).array();
    }

    /** {@code payload} framed: length, checksum, payload. */
    static byte[] frame(byte[] payload) {
        if (payload.length == 0 || payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("a journal record holds 1 to " + MAX_PAYLOAD + " bytes, not " + payload.length);
        }
        CRC32C crc = new CRC32C();
        crc.update(payload, 0, payload.length);
        byte[] framed = new byte[FRAME + payload.length];
        ByteBuffer.wrap(framed).putInt(payload.length).putInt((int) crc.getValue()).put(payload);
        return framed;
    }

    /** What {@link #read} found in a segment. */
    record Contents(int kind, List<byte[]> payloads, long validBytes, boolean tornTail, boolean damaged, String problem) {
    }

    /** Reads a whole segment file's bytes; see the class comment for how it ends. */
    static Contents read(byte[] file) {
        ByteBuffer in = ByteBuffer.wrap(file);
        if (file.length < HEADER) {
            // The header is written before any record: a shorter file was cut while being created.
            return new Contents(0, List.of(), 0, true, false, "segment shorter than its header");
        }
        int magic = in.getInt();
        int kind = in.getInt();
        if (magic != MAGIC || (kind != KIND_QUEUE && kind != KIND_MAP)) {
            return new Contents(kind, List.of(), 0, false, true, "not a journal segment header");
        }
        List<byte[]> payloads = new ArrayList<>();
        CRC32C crc = new CRC32C();
        while (in.remaining() > 0) {
            int start = in.position();
            if (in.remaining() < FRAME) {
                return new Contents(kind, payloads, start, true, false, "record header cut at offset " + start);
            }
            int length = in.getInt();
            int checksum = in.getInt();
            if (length <= 0 || length > MAX_PAYLOAD) {
                boolean onlyZeros = zerosFrom(file, start);
                return new Contents(kind, payloads, start, onlyZeros, !onlyZeros, "impossible record length " + length + " at offset " + start);
            }
            if (in.remaining() < length) {
                return new Contents(kind, payloads, start, true, false, "record cut at offset " + start);
            }
            byte[] payload = new byte[length];
            in.get(payload);
            crc.reset();
            crc.update(payload, 0, length);
            if ((int) crc.getValue() != checksum) {
                boolean last = in.remaining() == 0;
                return new Contents(kind, payloads, start, last, !last, "checksum mismatch at offset " + start);
            }
            payloads.add(payload);
        }
        return new Contents(kind, payloads, file.length, false, false, "");
    }

    /** Whether the file holds nothing but zeros from {@code offset} on (a tail the file system zero-filled). */
    private static boolean zerosFrom(byte[] file, int offset) {
        for (int i = offset; i < file.length; i++) {
            if (file[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
