package io.tidefall.spring.metrics;

import io.micrometer.common.KeyValues;

import io.tidefall.spring.metrics.TidefallObservationDocumentation.HighCardinalityKeyNames;
import io.tidefall.spring.metrics.TidefallObservationDocumentation.LowCardinalityKeyNames;

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
        KeyValues values = KeyValues.of(LowCardinalityKeyNames.BUFFER.withValue(context.getBuffer()));
        TidefallProcessingContext.Outcome outcome = context.getOutcome();
        return outcome != null ? values.and(LowCardinalityKeyNames.OUTCOME.withValue(outcome.value())) : values;
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(TidefallProcessingContext context) {
        KeyValues values = KeyValues.of(HighCardinalityKeyNames.PARTITION.withValue(Integer.toString(context.getPartition())),
                HighCardinalityKeyNames.ELEMENTS.withValue(Integer.toString(context.getSize())));
        return context.getOutcome() != null
                ? values.and(HighCardinalityKeyNames.ELEMENTS_FAILED.withValue(Integer.toString(context.getFailed())))
                : values;
    }
}
