/**
 * A durable dead-letter store for Tidefall buffers: a {@link io.tidefall.BatchFailureHandler} that
 * writes the elements a buffer could not deliver to local files, and the replay that pushes them
 * back into their buffer.
 */
@NullMarked
package io.tidefall.spring.deadletter;

import org.jspecify.annotations.NullMarked;
