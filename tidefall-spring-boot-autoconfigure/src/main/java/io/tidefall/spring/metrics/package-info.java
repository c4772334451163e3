/**
 * Micrometer support for Tidefall buffers: meters from buffer events, and one observation per drain.
 */
package io.tidefall.spring.metrics;
