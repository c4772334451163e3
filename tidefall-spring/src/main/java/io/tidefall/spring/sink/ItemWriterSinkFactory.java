package io.tidefall.spring.sink;

import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Builds {@code sink.item-writer} sinks: the named Spring Batch {@link ItemWriter} bean, with the
 * application's only (or primary) {@link PlatformTransactionManager}, when it has one.
 */
public final class ItemWriterSinkFactory implements SinkFactory {

    private final ListableBeanFactory beans;

    public ItemWriterSinkFactory(ListableBeanFactory beans) {
        this.beans = beans;
    }

    @Override
    public SinkKind kind() {
        return SinkKind.ITEM_WRITER;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Sink create(SinkTarget target) {
        String property = target.property(SinkKind.ITEM_WRITER, "");
        ItemWriter<Object> writer = SinkBeans.find(this.beans, target, target.properties().getItemWriter(), ItemWriter.class, property);
        PlatformTransactionManager transactions = this.beans.getBeanProvider(PlatformTransactionManager.class).getIfUnique();
        return new ItemWriterSink(writer, transactions,
                "item-writer sink '" + target.properties().getItemWriter() + "' of buffer '" + target.name() + "'");
    }
}
