package io.mcastrelay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The embedded driver never clobbers a live one; with embedded-driver=false the relay uses the live one. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DriverDirectoryIT {
    @Test
    void shouldRefuseToStartAnEmbeddedDriverOverALiveOneAndUseItWhenToldTo() throws Exception {
        final Path directory = Files.createTempDirectory("relay-live-driver").resolve("driver");
        try (MediaDriver live = MediaDriver.launch(new MediaDriver.Context()
                .aeronDirectoryName(directory.toString())
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true)
                .threadingMode(ThreadingMode.SHARED))) {
            final String[] feed = {
                "relay.aeron.directory=" + directory,
                "relay.feeds[0].name=shared",
                "relay.feeds[0].port=" + TestRelay.freePort(),
                "relay.feeds[0].destinations[0]=239.255.72.1:" + TestRelay.freePort(),
            };
            assertThatThrownBy(() -> new TestRelay(feed))
                .rootCause()
                .hasMessageContaining("an Aeron media driver is already running in " + directory)
                .hasMessageContaining("relay.aeron.embedded-driver=false");

            try (Aeron witness = Aeron.connect(new Aeron.Context().aeronDirectoryName(live.aeronDirectoryName()))) {
                assertThat(witness.isClosed()).as("the live driver was left alone").isFalse();
            }

            final String[] external = Arrays.copyOf(feed, feed.length + 1);
            external[feed.length] = "relay.aeron.embedded-driver=false";
            try (TestRelay relay = new TestRelay(external)) {
                assertThat(relay.lifecycle().driverAlive()).isTrue();
                assertThat(relay.ingress().isListening("shared")).isTrue();
            }
        }
    }
}
