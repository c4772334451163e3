package io.tidefall;

import java.nio.ByteBuffer;

/** Integers as four bytes, for durable buffers in tests. */
final class IntCodec implements ElementCodec<Integer> {

    static final IntCodec INSTANCE = new IntCodec();

    @Override
    public byte[] encode(Integer element) {
        return ByteBuffer.allocate(4).putInt(element).array();
    }

    @Override
    public Integer decode(byte[] bytes) {
        if (bytes.length != 4) {
            throw new IllegalArgumentException("an Integer is 4 bytes, not " + bytes.length);
        }
        return ByteBuffer.wrap(bytes).getInt();
    }
}
