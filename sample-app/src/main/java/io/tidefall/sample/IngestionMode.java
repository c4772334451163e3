package io.tidefall.sample;

/**
 * How the service writes, chosen by {@code sample.ingestion}: {@code buffered} (the default,
 * {@link IngestionController}) or {@code direct} ({@link DirectIngestionController}).
 */
final class IngestionMode {

    static final String PROPERTY = "sample.ingestion";
    static final String BUFFERED = "buffered";
    static final String DIRECT = "direct";

    private IngestionMode() {
    }
}
