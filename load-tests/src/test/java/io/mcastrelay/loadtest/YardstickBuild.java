package io.mcastrelay.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;

/** Builds the native yardstick for a test, as load-tests/run.sh does. */
final class YardstickBuild {
    private YardstickBuild() {
    }

    /**
     * Compiles {@code native/yardstick.c} with gcc; aborts the calling test where there is no gcc.
     *
     * @param dir where the binary goes.
     * @return the binary.
     * @throws Exception if gcc fails or warns.
     */
    static Path into(final Path dir) throws Exception {
        final Path binary = dir.resolve("yardstick");
        final Process gcc;
        try {
            gcc = new ProcessBuilder("gcc", "-O2", "-Wall", "-Wextra", "-o", binary.toString(), "native/yardstick.c")
                .redirectErrorStream(true).start();
        } catch (final IOException ex) {
            Assumptions.abort("no gcc: " + ex.getMessage());
            throw ex;
        }
        final String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(gcc.waitFor()).as(output).isZero();
        assertThat(output).as("gcc -Wall -Wextra warnings").isEmpty();
        return binary;
    }
}
