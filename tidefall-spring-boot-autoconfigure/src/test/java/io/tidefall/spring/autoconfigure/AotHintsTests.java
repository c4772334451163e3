package io.tidefall.spring.autoconfigure;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.annotation.ReflectiveRuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;

import io.tidefall.spring.TidefallProcessor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Spring's ahead-of-time processing needs from the starter: {@code @TidefallProcessor}
 * methods registered for reflective invocation, and a bean registrar that generated code in the
 * application's package can create. {@code .ci/run} also starts the sample app from its AOT code.
 */
class AotHintsTests {

    @Test
    void tidefallProcessorMethodsAreRegisteredForInvocation() throws NoSuchMethodException {
        RuntimeHints hints = new RuntimeHints();
        new ReflectiveRuntimeHintsRegistrar().registerRuntimeHints(hints, Store.class);
        Method store = Store.class.getDeclaredMethod("store", List.class);
        assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(store)).accepts(hints);
    }

    @Test
    void theBeanRegistrarCanBeCreatedFromAnotherPackage() throws NoSuchMethodException {
        assertThat(Modifier.isPublic(TidefallBufferRegistrar.class.getModifiers())).isTrue();
        assertThat(Modifier.isPublic(TidefallBufferRegistrar.class.getConstructor().getModifiers())).isTrue();
    }

    static class Store {

        @TidefallProcessor("events")
        void store(List<String> batch) {
        }
    }
}
