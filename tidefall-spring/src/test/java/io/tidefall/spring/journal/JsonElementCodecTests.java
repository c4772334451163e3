package io.tidefall.spring.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.tidefall.Durability;
import io.tidefall.TidefallQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

class JsonElementCodecTests {

    record PageView(String path, String user, Instant at) {
    }

    public static class Bean {
        private String name = "";

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }
    }

    private final JsonMapper mapper = JsonMapper.builder().build();

    @Test
    void recordsAndBeansComeBackEqual() {
        JsonElementCodec<PageView> views = JsonElementCodec.of(mapper, PageView.class);
        PageView view = new PageView("/home", "u1", Instant.parse("2026-12-05T12:00:00Z"));
        assertThat(views.decode(views.encode(view))).isEqualTo(view);

        JsonElementCodec<Bean> beans = JsonElementCodec.of(mapper, Bean.class);
        Bean bean = new Bean();
        bean.setName("b");
        assertThat(beans.decode(beans.encode(bean)).getName()).isEqualTo("b");
    }

    @Test
    void aDurableQueueOfRecordsSurvivesACrash(@TempDir Path directory) {
        JsonElementCodec<PageView> codec = JsonElementCodec.of(mapper, PageView.class);
        PageView view = new PageView("/home", "u1", Instant.parse("2026-12-05T12:00:00Z"));
        TidefallQueue.<PageView>builder("views").durability(Durability.PROCESS).journalDirectory(directory)
                .codec(codec).processor(batch -> { }).build()
                .push(view); // never started, never closed: the process died

        List<PageView> delivered = new CopyOnWriteArrayList<>();
        TidefallQueue<PageView> next = TidefallQueue.<PageView>builder("views").durability(Durability.PROCESS)
                .journalDirectory(directory).codec(codec).processor(delivered::addAll).build();
        next.start();
        next.flush();
        next.close();
        assertThat(delivered).containsExactly(view);
    }
}
