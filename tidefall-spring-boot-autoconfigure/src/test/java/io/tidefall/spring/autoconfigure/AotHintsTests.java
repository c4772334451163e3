package io.tidefall.spring.autoconfigure;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.annotation.ReflectiveRuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.ReflectionHintsPredicates;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.context.annotation.ImportRuntimeHints;

import io.tidefall.OverflowPolicy;
import io.tidefall.spring.BufferType;
import io.tidefall.spring.TidefallProcessor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Spring's ahead-of-time processing needs from the starter: {@code @TidefallProcessor}
 * methods registered for reflective invocation; the properties the registrar binds at run time,
 * and the enums they bind, registered by {@link TidefallRuntimeHints}; and a bean registrar that
 * generated code in the application's package can create. {@code .ci/run} also starts the sample app from its AOT code.
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

    @Test
    void theAutoConfigurationRegistersTheStartersHints() {
        ImportRuntimeHints imported = TidefallAutoConfiguration.class.getAnnotation(ImportRuntimeHints.class);
        assertThat(imported).isNotNull();
        assertThat(imported.value()).contains(TidefallRuntimeHints.class);
    }

    /** Each property of every buffer can be bound in a native image: its setter is registered for invocation. */
    @Test
    void everyPropertyTheRegistrarBindsIsRegistered() {
        RuntimeHints hints = starterHints();
        ReflectionHintsPredicates reflection = RuntimeHintsPredicates.reflection();
        for (Class<?> type : new Class<?>[] { TidefallProperties.class, TidefallProperties.BufferProperties.class,
                TidefallProperties.Options.class, TidefallProperties.DeadLetter.class }) {
            assertThat(reflection.onType(type)).as("%s", type).accepts(hints);
        }
        for (String setter : new String[] { "setPartitions", "setFailureHandler" }) {
            assertThat(reflection.onMethodInvocation(TidefallProperties.Options.class, setter)).as(setter).accepts(hints);
        }
        assertThat(reflection.onMethodInvocation(TidefallProperties.BufferProperties.class, "setType")).accepts(hints);
        assertThat(reflection.onMethodInvocation(TidefallProperties.BufferProperties.class, "setProcessor")).accepts(hints);
    }

    @Test
    void theBoundEnumsAreRegistered() {
        RuntimeHints hints = starterHints();
        ReflectionHintsPredicates reflection = RuntimeHintsPredicates.reflection();
        assertThat(reflection.onMethodInvocation(BufferType.class, "values")).accepts(hints);
        assertThat(reflection.onMethodInvocation(OverflowPolicy.class, "values")).accepts(hints);
    }

    private static RuntimeHints starterHints() {
        RuntimeHints hints = new RuntimeHints();
        new TidefallRuntimeHints().registerHints(hints, AotHintsTests.class.getClassLoader());
        return hints;
    }

    static class Store {

        @TidefallProcessor("events")
        void store(List<String> batch) {
        }
    }
}
