/**
 * Actuator support for Tidefall buffers: the {@code tidefall} endpoint and the health indicator.
 */
package io.tidefall.spring.actuate;
