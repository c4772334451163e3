package io.tidefall.spring.metrics;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observations Tidefall makes, with their key names, for documentation generators and for
 * code that refers to the keys by constant.
 */
public enum TidefallObservationDocumentation implements ObservationDocumentation {

    /**
     * One drain: a partition's retired table handed to the processor, chunk by chunk, retries and
     * failure handling included. The processor and the failure handler run inside its scope, so
     * spans they open (JDBC, HTTP) are its children.
     */
    PROCESSING {
        @Override
        public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
            return DefaultTidefallProcessingObservationConvention.class;
        }

        @Override
        public KeyName[] getLowCardinalityKeyNames() {
            return LowCardinalityKeyNames.values();
        }

        @Override
        public KeyName[] getHighCardinalityKeyNames() {
            return HighCardinalityKeyNames.values();
        }
    };

    /** Keys with few values: tags of the {@code tidefall.processing} timer. */
    public enum LowCardinalityKeyNames implements KeyName {

        /** The buffer's name. */
        BUFFER {
            @Override
            public String asString() {
                return TidefallMetrics.TAG_BUFFER;
            }
        },

        /** How the drain ended: {@code success}, {@code failure} or {@code timeout}. */
        OUTCOME {
            @Override
            public String asString() {
                return TidefallMetrics.TAG_OUTCOME;
            }
        }
    }

    /** Keys with many values: span attributes only. */
    public enum HighCardinalityKeyNames implements KeyName {

        /** The partition's index. */
        PARTITION {
            @Override
            public String asString() {
                return "partition";
            }
        },

        /** Elements of the retired table. */
        ELEMENTS {
            @Override
            public String asString() {
                return "elements";
            }
        },

        /** Elements lost to processor failures and the timeout, once the drain has ended. */
        ELEMENTS_FAILED {
            @Override
            public String asString() {
                return "elements.failed";
            }
        }
    }
}
