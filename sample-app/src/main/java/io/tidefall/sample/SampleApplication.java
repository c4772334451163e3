package io.tidefall.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An ingestion service built on the Tidefall starter.
 *
 * <p>{@code POST /events} pushes page views into the queue {@code events}, whose processor inserts
 * each batch with one JDBC batch statement. {@code PUT /presence/{user}} writes heartbeats into the
 * hash map {@code presence} with {@code putNewer}, so that however many heartbeats a user sends
 * within an interval, one version-guarded upsert per user reaches the database. Both buffers are
 * declared in {@code application.yml}.
 */
@SpringBootApplication
public class SampleApplication {

    public static void main(String[] args) {
        SpringApplication.run(SampleApplication.class, args);
    }
}
