package io.tidefall;

/**
 * A write found its partition's write table at {@linkplain BufferOptions#capacity() capacity},
 * under {@link OverflowPolicy#FAIL}, or under {@link OverflowPolicy#BLOCK} for longer than
 * {@linkplain BufferOptions#maxBlock() maxBlock}. Nothing was written.
 */
public class BufferFullException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String buffer;
    private final int partition;

    public BufferFullException(String buffer, int partition, String message) {
        super(message);
        this.buffer = buffer;
        this.partition = partition;
    }

    /** The name of the buffer that was full. */
    public String buffer() {
        return buffer;
    }

    /** The partition that was full. */
    public int partition() {
        return partition;
    }
}
