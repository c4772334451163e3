/**
 * Tidefall's engine: partitioned write buffers that collect writes in memory and hand them to a
 * {@link io.tidefall.BatchProcessor} in batches, on a timer or when a partition fills up.
 *
 * <p>{@link io.tidefall.TidefallQueue} keeps every item, in push order within a partition;
 * {@link io.tidefall.TidefallHashMap} coalesces writes by key. Both are built with a builder,
 * started with {@link io.tidefall.Buffer#start()} and closed with {@link io.tidefall.Buffer#close()},
 * which delivers (or hands to the failure handler) everything they accepted.
 *
 * <p>Every type, parameter and return value of this package is non-null unless annotated
 * {@link org.jspecify.annotations.Nullable @Nullable}.
 */
@NullMarked
package io.tidefall;

import org.jspecify.annotations.NullMarked;
