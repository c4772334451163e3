package io.tidefall.spring.autoconfigure;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

import io.tidefall.Buffer;
import io.tidefall.spring.TidefallBuffers;
import io.tidefall.spring.deadletter.DeadLetterStore;

/**
 * Pushes every buffer's dead letters back into it when the application starts: right after
 * {@link TidefallLifecycle} has started the buffers ({@link #PHASE} is one above its phase), and
 * before the web server takes requests, so the oldest elements are first in line. A folder of a
 * buffer that no longer exists is kept and reported.
 */
class DeadLetterReplayOnStart implements SmartLifecycle {

    static final int PHASE = TidefallLifecycle.PHASE + 1;

    private static final Log logger = LogFactory.getLog(DeadLetterReplayOnStart.class);

    private final DeadLetterStore store;
    private final TidefallBuffers buffers;
    private volatile boolean running;

    DeadLetterReplayOnStart(DeadLetterStore store, TidefallBuffers buffers) {
        this.store = store;
        this.buffers = buffers;
    }

    @Override
    public void start() {
        for (String name : this.store.buffers()) {
            Buffer buffer = this.buffers.find(name);
            if (buffer == null) {
                logger.warn("The dead-letter store " + this.store.directory() + " holds elements of buffer '" + name
                        + "', which does not exist in this application: they stay stored");
                continue;
            }
            this.store.replay(buffer); // logs what it did
        }
        this.running = true;
    }

    @Override
    public void stop() {
        this.running = false;
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
