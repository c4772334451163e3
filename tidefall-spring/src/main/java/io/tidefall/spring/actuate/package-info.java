/**
 * Actuator support for Tidefall buffers: the {@code tidefall} endpoint and the health indicator.
 */
@NullMarked
package io.tidefall.spring.actuate;

import org.jspecify.annotations.NullMarked;
