package io.tidefall.spring.autoconfigure.exit;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A plain application exits by itself after its work, with every element drained. Runs the
 * application in a JVM of its own, since what is tested is that nothing keeps that JVM alive.
 */
class NonWebExitTests {

    /** Far beyond a normal exit (a few seconds), and below the 60 s an idle pool thread lingers. */
    private static final long EXIT_LIMIT_SECONDS = 45;

    @Test
    void plainApplicationExitsAfterItsWorkWithEverythingDrained(@TempDir Path dir) throws Exception {
        Path output = dir.resolve("output.txt");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(BatchApplication.class.getName());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        boolean exited = process.waitFor(EXIT_LIMIT_SECONDS, TimeUnit.SECONDS);
        if (!exited) {
            process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
        }
        String log = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(exited).as("the application exited by itself; its output:%n%s", log).isTrue();
        assertThat(process.exitValue()).as(log).isZero();
        assertThat(log).contains("delivered " + BatchApplication.ELEMENTS);
    }

}
