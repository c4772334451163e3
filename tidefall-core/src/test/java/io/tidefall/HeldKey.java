package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A map key whose instances are all equal; one made to {@code hold} blocks in {@code equals},
 * deaf to interrupts, until released. A map looking it up compares it with the buffered instance,
 * so a writer of a held key stops inside the table's lookup, for as long as the test says.
 */
final class HeldKey {

    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final boolean holdInEquals;
    /** Which call of {@code hashCode} blocks (0: none). */
    private final int holdInHashCodeCall;
    private final AtomicInteger hashCodeCalls = new AtomicInteger();

    private HeldKey(boolean holdInEquals, int holdInHashCodeCall) {
        this.holdInEquals = holdInEquals;
        this.holdInHashCodeCall = holdInHashCodeCall;
    }

    /** An instance that compares and hashes at once. */
    static HeldKey plain() {
        return new HeldKey(false, 0);
    }

    /** An instance that blocks in {@code equals} until {@link #release()}. */
    static HeldKey held() {
        return new HeldKey(true, 0);
    }

    /**
     * An instance whose second {@code hashCode} blocks until {@link #release()}: a table's write
     * looks a new key up (the first), then adds it (the second), inside its guard.
     */
    static HeldKey heldInSecondHashCode() {
        return new HeldKey(false, 2);
    }

    /** Waits until a writer is blocked in this instance's {@code equals} or {@code hashCode}. */
    void awaitWriterHeld() throws InterruptedException {
        assertThat(held.await(10, TimeUnit.SECONDS)).as("a writer reached the key's held call").isTrue();
    }

    void release() {
        release.countDown();
    }

    @Override
    public boolean equals(Object other) {
        if (holdInEquals) {
            hold();
        }
        return other instanceof HeldKey;
    }

    @Override
    public int hashCode() {
        if (hashCodeCalls.incrementAndGet() == holdInHashCodeCall) {
            hold();
        }
        return 1;
    }

    private void hold() {
        held.countDown();
        Deaf.await(release);
    }
}
