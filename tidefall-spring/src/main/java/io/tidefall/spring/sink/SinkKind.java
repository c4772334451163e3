package io.tidefall.spring.sink;

/**
 * The kinds of sink, each with the library it needs: a sink whose library is absent from the class
 * path is refused at startup with a message naming the dependency to add.
 */
public enum SinkKind {

    /** {@code sink.jdbc}. */
    JDBC("jdbc", "Spring JDBC", "org.springframework.boot:spring-boot-starter-jdbc"),

    /** {@code sink.item-writer}. */
    ITEM_WRITER("item-writer", "Spring Batch", "org.springframework.batch:spring-batch-infrastructure"),

    /** {@code sink.kafka}. */
    KAFKA("kafka", "Spring Kafka", "org.springframework.boot:spring-boot-starter-kafka");

    private final String key;
    private final String library;
    private final String dependency;

    SinkKind(String key, String library, String dependency) {
        this.key = key;
        this.library = library;
        this.dependency = dependency;
    }

    /** The key under {@code sink}, such as {@code item-writer}. */
    public String key() {
        return this.key;
    }

    /** The library this kind needs, such as {@code Spring Kafka}. */
    public String library() {
        return this.library;
    }

    /** The Maven coordinates of the dependency that brings the library. */
    public String dependency() {
        return this.dependency;
    }
}
