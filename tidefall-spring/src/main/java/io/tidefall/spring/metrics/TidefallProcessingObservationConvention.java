package io.tidefall.spring.metrics;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and key values of drain observations. Declare a bean of this type to replace
 * {@link DefaultTidefallProcessingObservationConvention}.
 */
public interface TidefallProcessingObservationConvention extends ObservationConvention<TidefallProcessingContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof TidefallProcessingContext;
    }
}
