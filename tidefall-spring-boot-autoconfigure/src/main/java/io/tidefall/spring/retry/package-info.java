/**
 * Which failures of a processor are worth retrying, for Spring applications.
 */
package io.tidefall.spring.retry;
