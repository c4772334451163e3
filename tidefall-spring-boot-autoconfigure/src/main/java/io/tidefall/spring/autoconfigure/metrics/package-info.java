/**
 * Auto-configuration of Tidefall's Micrometer meters and observations.
 */
@NullMarked
package io.tidefall.spring.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
