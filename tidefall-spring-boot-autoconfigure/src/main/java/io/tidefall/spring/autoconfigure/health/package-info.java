/**
 * Auto-configuration of the Tidefall health indicator.
 */
@NullMarked
package io.tidefall.spring.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
