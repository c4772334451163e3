/**
 * Micrometer support for Tidefall buffers: meters from buffer events, and one observation per drain.
 */
@NullMarked
package io.tidefall.spring.metrics;

import org.jspecify.annotations.NullMarked;
