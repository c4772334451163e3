package io.tidefall.spring;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine's lines through commons-logging: formatted as the JDK formats them, at their level, with their cause. */
@ExtendWith(OutputCaptureExtension.class)
class CommonsLoggingSystemLoggerTests {

    private final System.Logger logger = CommonsLoggingSystemLogger.forName("io.tidefall.TidefallQueue");

    @Test
    void parametersAreFormattedAsTheJdkDoesAndATextWithoutThemIsLeftAlone(CapturedOutput output) {
        this.logger.log(System.Logger.Level.WARNING, "Buffer ''{0}'': could not delete {1}", "events", "/tmp/x.segment");
        this.logger.log(System.Logger.Level.ERROR, "Buffer 'events': 3 element(s) were lost {0}");
        assertThat(output).contains("WARN").contains("Buffer 'events': could not delete /tmp/x.segment")
                .contains("ERROR").contains("Buffer 'events': 3 element(s) were lost {0}");
    }

    @Test
    void theCauseIsLoggedAndLevelsBelowTheConfiguredOneAreNot(CapturedOutput output) {
        assertThat(this.logger.getName()).isEqualTo("io.tidefall.TidefallQueue");
        assertThat(this.logger.isLoggable(System.Logger.Level.OFF)).isFalse();
        this.logger.log(System.Logger.Level.WARNING, "the write failed", new IllegalStateException("disk full"));
        assertThat(output).contains("the write failed").contains("java.lang.IllegalStateException: disk full");
        assertThat(this.logger.isLoggable(System.Logger.Level.TRACE)).as("TRACE, below the tests' logging level").isFalse();
        this.logger.log(System.Logger.Level.TRACE, "not written");
        assertThat(output).doesNotContain("not written");
    }
}
