package io.tidefall.spring.sink;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.DefaultTransactionDefinition;

/**
 * {@code sink.item-writer}: hands each chunk to a Spring Batch {@link ItemWriter} as one
 * {@link Chunk}, in a transaction of the application's transaction manager when it has one (as a
 * Spring Batch step writes each chunk in a transaction). The writer's exception is thrown as it is,
 * so the retry policy sees it unwrapped.
 *
 * <p>The buffer's partitions call it concurrently, as a multi-threaded step calls its writer: the
 * writer must be thread-safe (Spring Batch's database writers are; a file writer is not, so give
 * its buffer one partition).
 */
final class ItemWriterSink implements Sink {

    private final ItemWriter<Object> writer;
    private final @Nullable PlatformTransactionManager transactions;
    private final String description;

    ItemWriterSink(ItemWriter<Object> writer, @Nullable PlatformTransactionManager transactions, String description) {
        this.writer = writer;
        this.transactions = transactions;
        this.description = description;
    }

    @Override
    public void process(List<Object> batch) throws Exception {
        Chunk<Object> chunk = new Chunk<>(batch);
        if (this.transactions == null) {
            this.writer.write(chunk);
            return;
        }
        TransactionStatus transaction = this.transactions.getTransaction(new DefaultTransactionDefinition());
        try {
            this.writer.write(chunk);
        } catch (Throwable failure) {
            try {
                this.transactions.rollback(transaction);
            } catch (RuntimeException rollbackFailure) {
                failure.addSuppressed(rollbackFailure);
            }
            throw failure;
        }
        this.transactions.commit(transaction);
    }

    @Override
    public String toString() {
        return this.description;
    }
}
