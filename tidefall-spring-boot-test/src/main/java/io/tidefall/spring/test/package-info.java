/**
 * Test support for applications that use Tidefall buffers: a scheduler whose clock the test moves, and a
 * test execution listener that flushes every buffer after each test method.
 */
@NullMarked
package io.tidefall.spring.test;

import org.jspecify.annotations.NullMarked;
