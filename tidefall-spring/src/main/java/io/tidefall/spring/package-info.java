/**
 * Tidefall for Spring Boot: the registry of an application's buffers ({@link io.tidefall.spring.TidefallBuffers})
 * and the annotation that makes a bean method a buffer's processor ({@link io.tidefall.spring.TidefallProcessor}).
 */
@NullMarked
package io.tidefall.spring;

import org.jspecify.annotations.NullMarked;
