package io.tidefall.spring.deadletter;

import io.tidefall.Buffer;

/**
 * The stored dead letters of every buffer, as the Actuator endpoint sees them. An interface of its
 * own, without Jackson in its signatures, so that the endpoint works without Jackson on the class
 * path.
 */
public interface DeadLetters {

    /** Elements stored for {@code buffer}. */
    long count(String buffer);

    /** What waits for {@code buffer}: how many elements, since when, and what the last probe of its sink found. */
    DeadLetterBacklog backlog(String buffer);

    /** Pushes the buffer's stored elements back into it; see {@link DeadLetterStore#replay(Buffer)}. */
    ReplayResult replay(Buffer buffer);
}
