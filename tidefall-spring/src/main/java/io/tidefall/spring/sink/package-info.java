/**
 * Sinks a buffer is given in configuration ({@code tidefall.buffers.<name>.sink}) instead of a
 * processor written in code: a JDBC statement, any Spring Batch {@code ItemWriter}, a Kafka topic.
 * Each becomes a {@link io.tidefall.BatchProcessor} that the starter binds to its buffer exactly as
 * it binds a processor bean, so meters, observations and the retry policy apply unchanged.
 */
@NullMarked
package io.tidefall.spring.sink;

import org.jspecify.annotations.NullMarked;
