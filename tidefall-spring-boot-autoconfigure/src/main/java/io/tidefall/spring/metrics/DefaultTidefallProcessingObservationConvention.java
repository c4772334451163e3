package io.tidefall.spring.metrics;

import io.micrometer.common.KeyValues;

/**
 * Observation {@code tidefall.processing}, named {@code tidefall drain <buffer>} in traces.
 * Low-cardinality keys (tags of the timer that Micrometer's meter handler records):
 * {@code buffer}, and {@code outcome} ({@code success} | {@code failure} | {@code timeout}) once
 * the drain has ended. High-cardinality keys (span attributes): {@code partition},
 * {@code elements}, {@code elements.failed}.
 */
public class DefaultTidefallProcessingObservationConvention implements TidefallProcessingObservationConvention {

    public static final DefaultTidefallProcessingObservationConvention INSTANCE =
            new DefaultTidefallProcessingObservationConvention();

    @Override
    public String getName() {
        return TidefallMetrics.PROCESSING;
    }

    @Override
    public String getContextualName(TidefallProcessingContext context) {
        return "tidefall drain " + context.getBuffer();
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(TidefallProcessingContext context) {
        KeyValues values = KeyValues.of(TidefallMetrics.TAG_BUFFER, context.getBuffer());
        TidefallProcessingContext.Outcome outcome = context.getOutcome();
        return outcome != null ? values.and(TidefallMetrics.TAG_OUTCOME, outcome.value()) : values;
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(TidefallProcessingContext context) {
        KeyValues values = KeyValues.of("partition", Integer.toString(context.getPartition()),
                "elements", Integer.toString(context.getSize()));
        return context.getOutcome() != null ? values.and("elements.failed", Integer.toString(context.getFailed())) : values;
    }
}
