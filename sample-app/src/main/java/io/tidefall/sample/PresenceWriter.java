package io.tidefall.sample;

import java.util.List;

import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

import io.tidefall.TidefallHashMap;
import io.tidefall.spring.TidefallProcessor;

/**
 * The processor of the buffer {@code presence}, written in code: a {@code @TidefallProcessor}
 * method (the buffer {@code events} shows the other way, a sink in {@code application.yml}). With
 * the {@code kafka} profile the buffer sends to a topic instead ({@code application-kafka.yml}), and
 * this bean is not created.
 */
@Component
@Profile("!kafka")
class PresenceWriter {

    private final PresenceStore store;

    PresenceWriter(PresenceStore store) {
        this.store = store;
    }

    @TidefallProcessor("presence")
    public void write(List<TidefallHashMap.Entry<String, Presence>> entries) {
        this.store.upsertAll(entries);
    }
}
