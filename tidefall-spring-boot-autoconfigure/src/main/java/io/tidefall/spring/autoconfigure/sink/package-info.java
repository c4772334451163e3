/**
 * Auto-configuration of the sinks a buffer can be given in configuration instead of a processor.
 */
@NullMarked
package io.tidefall.spring.autoconfigure.sink;

import org.jspecify.annotations.NullMarked;
