package io.tidefall.spring.deadletter;

import java.util.List;

/**
 * What one replay of a buffer's dead letters did.
 *
 * @param buffer the buffer's name
 * @param replayed elements written back into the buffer and removed from the store
 * @param superseded hash-map entries removed from the store without being written, because the
 *     buffer already held a newer version of their key (or dropped them, with overflow 'drop')
 * @param remaining elements still in the store afterwards (the buffer was full or closed, a file
 *     could not be read, or elements were dead-lettered while the replay ran)
 * @param problems one message per file that could not be replayed, naming the file and why
 */
public record ReplayResult(String buffer, long replayed, long superseded, long remaining, List<String> problems) {
}
