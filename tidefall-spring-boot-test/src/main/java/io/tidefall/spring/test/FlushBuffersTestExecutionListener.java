package io.tidefall.spring.test;

import org.springframework.core.Ordered;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestExecutionListener;

import io.tidefall.spring.TidefallBuffers;

/**
 * Flushes every buffer of the test's application context after each test method, so that what one
 * test wrote reaches its processor within that test and never shows up in the next test that
 * shares the cached context. Registered automatically (in {@code META-INF/spring.factories}) for
 * every Spring test once this module is on the test class path; a context that was not loaded, or
 * has no Tidefall buffers, is left alone.
 *
 * <p>Ordered to run its {@code afterTestMethod} before {@code @DirtiesContext} closes the context
 * and before Mockito's mocks are reset.
 */
public class FlushBuffersTestExecutionListener implements TestExecutionListener, Ordered {

    /** After-callbacks run in reverse order: a late order runs first. */
    public static final int ORDER = Ordered.LOWEST_PRECEDENCE - 50;

    @Override
    public void afterTestMethod(TestContext testContext) {
        if (!testContext.hasApplicationContext()) {
            return;
        }
        TidefallBuffers buffers = testContext.getApplicationContext().getBeanProvider(TidefallBuffers.class).getIfAvailable();
        if (buffers != null) {
            buffers.flushAll();
        }
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
