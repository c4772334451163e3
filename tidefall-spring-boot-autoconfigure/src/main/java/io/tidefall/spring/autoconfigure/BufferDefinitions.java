package io.tidefall.spring.autoconfigure;

import java.util.List;

/**
 * The buffers configured under {@code tidefall.buffers}, resolved and validated once, by
 * {@link TidefallBufferRegistrar}, which registers this as a bean for the beans that need every
 * definition ({@link ProcessorBinder}).
 *
 * @param all the definitions, in configuration order
 */
record BufferDefinitions(List<BufferDefinition> all) {

    static final String BEAN_NAME = "tidefallBufferDefinitions";

    BufferDefinitions {
        all = List.copyOf(all);
    }
}
