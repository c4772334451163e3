package io.tidefall.spring;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.tidefall.Buffer;
import io.tidefall.BufferOptions;
import io.tidefall.TidefallHashMap;
import io.tidefall.TidefallQueue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each buffer type builds its own kind of buffer, recognises it, takes the elements its processor
 * receives, and writes a dead letter back as that kind of buffer must.
 */
class BufferTypeTests {

    @ParameterizedTest
    @EnumSource(BufferType.class)
    void eachTypeBuildsABufferOfItsBeanClassAndRecognisesIt(BufferType type) {
        Buffer buffer = type.builder("b").processor(batch -> { }).build();
        try {
            assertThat(buffer).isInstanceOf(type.beanClass());
            assertThat(BufferType.of(buffer)).isEqualTo(type);
        } finally {
            buffer.close();
        }
    }

    @Test
    void aKindOfBufferTheStarterDoesNotKnowHasNoType() {
        Buffer unknown = (Buffer) java.lang.reflect.Proxy.newProxyInstance(Buffer.class.getClassLoader(),
                new Class<?>[] { Buffer.class }, (proxy, method, args) -> null);
        assertThat(BufferType.of(unknown)).isNull();
    }

    @Test
    void aQueueProcessorMayDeclareAnyElementTypeAHashMapProcessorOnlyEntries() {
        assertThat(BufferType.QUEUE.accepts(String.class)).isTrue();
        assertThat(BufferType.HASH_MAP.accepts(TidefallHashMap.Entry.class)).isTrue();
        assertThat(BufferType.HASH_MAP.accepts(Object.class)).isTrue();
        assertThat(BufferType.HASH_MAP.accepts(String.class)).isFalse();
        assertThat(BufferType.HASH_MAP.elementClassName()).isEqualTo("TidefallHashMap.Entry");
    }

    @Test
    void elementsAreHeldByTheTypeOfTheirForm() {
        TidefallHashMap.Entry<String, String> entry = new TidefallHashMap.Entry<>("k", "v", 3, 0);
        assertThat(BufferType.holding(entry)).isEqualTo(BufferType.HASH_MAP);
        assertThat(BufferType.holding("item")).isEqualTo(BufferType.QUEUE);
        assertThat(BufferType.QUEUE.holds(entry)).isFalse();
        assertThat(BufferType.HASH_MAP.holds("item")).isFalse();
    }

    @Test
    void aQueuePushesADeadLetterBack() {
        List<Object> received = new ArrayList<>();
        TidefallQueue<Object> queue = TidefallQueue.builder("q").processor(received::addAll).partitions(1).build();
        queue.start();
        try {
            assertThat(BufferType.QUEUE.writeBack(queue, "again")).isTrue();
            queue.flush();
            assertThat(received).containsExactly("again");
        } finally {
            queue.close();
        }
    }

    @Test
    void aHashMapWritesADeadLetterBackOnlyOverAnOlderVersion() {
        TidefallHashMap<String, String> map = TidefallHashMap.<String, String>builder("m").processor(batch -> { })
                .options(BufferOptions.defaults()).partitions(1).build();
        map.start();
        try {
            map.putNewer("newer", "current", 10);
            assertThat(BufferType.HASH_MAP.writeBack(map, new TidefallHashMap.Entry<>("newer", "stale", 5, 0))).isFalse();
            assertThat(BufferType.HASH_MAP.writeBack(map, new TidefallHashMap.Entry<>("absent", "back", 5, 0))).isTrue();
            assertThat(map.get("newer")).isEqualTo("current");
            assertThat(map.get("absent")).isEqualTo("back");
        } finally {
            map.close();
        }
    }
}
