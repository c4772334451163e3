/**
 * Auto-configuration of the {@code tidefall} Actuator endpoint.
 */
@NullMarked
package io.tidefall.spring.autoconfigure.endpoint;

import org.jspecify.annotations.NullMarked;
