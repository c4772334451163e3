/**
 * Auto-configuration of Tidefall buffers from {@code tidefall.*} properties: one bean per configured buffer,
 * its processor, its scheduler and executor, the lifecycle that starts and closes every buffer, and the
 * dead-letter store.
 */
@NullMarked
package io.tidefall.spring.autoconfigure;

import org.jspecify.annotations.NullMarked;
