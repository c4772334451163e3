package io.tidefall;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A call that is meant to block, run on a thread the test owns, so that the test can see where
 * that thread waits: a test that only checks {@code isDone()} right after starting a call passes
 * whether or not the call blocks, since the call may simply not have run yet.
 */
final class CallOnOwnThread {

    interface Call {
        void run() throws Exception;
    }

    private final Thread thread;
    private final CompletableFuture<Void> result = new CompletableFuture<>();

    private CallOnOwnThread(String name, Call call) {
        thread = new Thread(() -> {
            try {
                call.run();
                result.complete(null);
            } catch (Throwable failure) {
                result.completeExceptionally(failure);
            }
        }, name);
        thread.setDaemon(true);
    }

    static CallOnOwnThread start(String name, Call call) {
        CallOnOwnThread started = new CallOnOwnThread(name, call);
        started.thread.start();
        return started;
    }

    /**
     * Waits until the call is parked (waiting, timed or not) with {@code type.method} on its
     * stack: it is inside that wait, not on its way to it, nor finished.
     */
    CallOnOwnThread awaitWaitingIn(Class<?> type, String method) {
        await().atMost(Duration.ofSeconds(20))
                .failFast("the call returned instead of waiting in " + type.getSimpleName() + "." + method, result::isDone)
                .until(() -> isWaitingIn(type, method));
        return this;
    }

    private boolean isWaitingIn(Class<?> type, String method) {
        Thread.State state = thread.getState();
        if (state != Thread.State.WAITING && state != Thread.State.TIMED_WAITING) {
            return false;
        }
        return Arrays.stream(thread.getStackTrace())
                .anyMatch(frame -> frame.getClassName().equals(type.getName()) && frame.getMethodName().equals(method));
    }

    boolean isDone() {
        return result.isDone();
    }

    /** Waits for the call to end and rethrows what it threw. */
    void join() throws Exception {
        result.get(20, TimeUnit.SECONDS);
    }
}
