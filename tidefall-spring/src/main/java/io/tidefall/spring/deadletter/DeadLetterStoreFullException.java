package io.tidefall.spring.deadletter;

import java.io.IOException;

/**
 * The dead-letter store has no room for a batch within its {@code max-size}: the batch was not
 * stored. The message names the buffer, the number of elements, the store's size and what to do.
 */
public class DeadLetterStoreFullException extends IOException {

    private static final long serialVersionUID = 1L;

    DeadLetterStoreFullException(String message) {
        super(message);
    }
}
