package io.tidefall;

import java.util.List;

/**
 * Receives what a buffer drains, on one of the buffer's drain threads.
 *
 * <p>For one partition, calls never overlap and arrive in the order the chunks were cut from the
 * retired table. Different partitions call the processor concurrently, so an implementation shared
 * by several partitions must be thread-safe.
 *
 * <p>Throwing loses only the chunk that was passed in: the failure is reported to the buffer's
 * listeners and the remaining chunks of the same table are still processed. A processor that
 * runs past {@link BufferOptions#processingTimeout()} is interrupted.
 *
 * @param <E> the element type: the item of a {@link TidefallQueue}, or a
 *     {@link TidefallHashMap.Entry} of a {@link TidefallHashMap}
 */
@FunctionalInterface
public interface BatchProcessor<E> {

    /**
     * Processes one chunk.
     *
     * @param batch at most {@link BufferOptions#processingBatchSize()} elements, never empty; with
     *     {@link BatchSize#TABLE} the whole retired table, which the processor may keep
     * @throws Exception to report the chunk as failed
     */
    void process(List<E> batch) throws Exception;
}
