/**
 * Which failures of a processor are worth retrying, for Spring applications.
 */
@NullMarked
package io.tidefall.spring.retry;

import org.jspecify.annotations.NullMarked;
