package io.tidefall;

import java.util.List;

/**
 * Elements a drain lost, for a {@link BatchFailureHandler}.
 *
 * @param buffer the buffer's name
 * @param partition the partition that drained them
 * @param elements the lost elements, in the order the processor would have received them
 * @param cause what the processor threw on its last attempt, or a
 *     {@link java.util.concurrent.TimeoutException} naming the timeout
 */
public record FailedBatch<E>(String buffer, int partition, List<E> elements, Throwable cause) {
}
