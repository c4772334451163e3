package io.tidefall.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.aot.hint.annotation.Reflective;

/**
 * Marks a bean method as the processor of a buffer configured under {@code tidefall.buffers}.
 *
 * <pre>{@code
 * @TidefallProcessor("events")
 * void store(List<PageView> batch) { repository.insertAll(batch); }
 * }</pre>
 *
 * <p>The method takes exactly one parameter of type {@code List} (of the queue's item type, or of
 * {@code TidefallHashMap.Entry<K, V>} for a hash-map buffer) and returns {@code void} or a
 * {@link java.util.concurrent.CompletionStage}. With a {@code CompletionStage} the drain ends when
 * the stage completes (so an {@code @Async} method returning a {@code CompletableFuture} works),
 * and a stage that completes exceptionally counts as a failed batch. Anything the method throws
 * loses only the batch it was given.
 *
 * <p>Each buffer has exactly one processor: either this annotation or the bean named by
 * {@code tidefall.buffers.<name>.processor}. The method is called on the proxy of its bean, so
 * {@code @Transactional} and {@code @Async} apply.
 *
 * <p>The method is invoked reflectively; {@code @Reflective} has Spring's AOT processing register
 * it for invocation, so it can be called in a native image.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Reflective
public @interface TidefallProcessor {

    /** The name of the buffer, as configured under {@code tidefall.buffers}. */
    String value();
}
