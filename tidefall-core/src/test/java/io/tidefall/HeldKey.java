package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A map key whose instances are all equal; one made to {@code hold} blocks in {@code equals},
 * deaf to interrupts, until released. A map looking it up compares it with the buffered instance,
 * so a writer of a held key stops inside the table's lookup, for as long as the test says.
 */
final class HeldKey {

    private final CountDownLatch inEquals = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final boolean hold;

    private HeldKey(boolean hold) {
        this.hold = hold;
    }

    /** An instance that compares at once. */
    static HeldKey plain() {
        return new HeldKey(false);
    }

    /** An instance that blocks in {@code equals} until {@link #release()}. */
    static HeldKey held() {
        return new HeldKey(true);
    }

    /** Waits until a writer is blocked in this instance's {@code equals}. */
    void awaitWriterInEquals() throws InterruptedException {
        assertThat(inEquals.await(10, TimeUnit.SECONDS)).as("a writer reached the key's equals").isTrue();
    }

    void release() {
        release.countDown();
    }

    @Override
    public boolean equals(Object other) {
        if (hold) {
            inEquals.countDown();
            Deaf.await(release);
        }
        return other instanceof HeldKey;
    }

    @Override
    public int hashCode() {
        return 1;
    }
}
