package io.mcastrelay.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import io.mcastrelay.wire.Destination;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Settings from properties and the command line: defaults, overrides, and one clear error per bad setting. */
class CaptureConfigTest {
    private static Properties valid() {
        final Properties properties = new Properties();
        properties.setProperty("capture.feeds[0].name", "prod");
        properties.setProperty("capture.feeds[0].relays", "relay-a:6667, relay-b:6667");
        properties.setProperty("capture.feeds[0].groups", "239.255.7.1:6100,239.255.7.2:6101");
        properties.setProperty("capture.feeds[0].interface", "eth1");
        return properties;
    }

    @Test
    void shouldReadAFeedWithEveryTuningSettingAtItsDefault() {
        final CaptureSettings settings = CaptureConfig.settings(valid());

        assertThat(settings.feeds()).singleElement().isEqualTo(CaptureFeedSettings.withDefaults("prod",
            List.of(new RelayAddress("relay-a", 6667), new RelayAddress("relay-b", 6667)),
            List.of(Destination.parse("239.255.7.1:6100"), Destination.parse("239.255.7.2:6101")), "eth1"));
        assertThat(settings.idleStrategy()).isEqualTo("backoff");
        assertThat(settings.statsIntervalNs()).isEqualTo(10_000_000_000L);
        assertThat(settings.drainTimeoutNs()).isEqualTo(5_000_000_000L);
    }

    @Test
    void shouldApplyGlobalTuningToEveryFeedAndLetAFeedOverrideIt() {
        final Properties properties = valid();
        properties.setProperty("capture.feeds[1].name", "test");
        properties.setProperty("capture.feeds[1].relays", "relay-a:6668");
        properties.setProperty("capture.feeds[1].groups", "239.255.8.1:6200");
        properties.setProperty("capture.feeds[1].interface", "10.1.2.3");
        properties.setProperty("capture.replay-buffer-bytes", "128m");
        properties.setProperty("capture.feeds[1].replay-buffer-bytes", "512k");
        properties.setProperty("capture.liveness-timeout", "2s");
        properties.setProperty("capture.feeds[0].backoff-initial", "20ms");
        properties.setProperty("capture.idle-strategy", "busy-spin");
        properties.setProperty("capture.stats-interval", "1m");

        final CaptureSettings settings = CaptureConfig.settings(properties);

        final CaptureFeedSettings prod = settings.feeds().get(0);
        final CaptureFeedSettings test = settings.feeds().get(1);
        assertThat(prod.replayBufferBytes()).isEqualTo(128 << 20);
        assertThat(test.replayBufferBytes()).isEqualTo(512 << 10);
        assertThat(prod.livenessTimeoutNs()).isEqualTo(2_000_000_000L).isEqualTo(test.livenessTimeoutNs());
        assertThat(prod.backoffInitialNs()).isEqualTo(20_000_000L);
        assertThat(test.backoffInitialNs()).isEqualTo(CaptureFeedSettings.DEFAULT_BACKOFF_INITIAL_NS);
        assertThat(test.networkInterface()).isEqualTo("10.1.2.3");
        assertThat(settings.idleStrategy()).isEqualTo("busy-spin");
        assertThat(settings.statsIntervalNs()).isEqualTo(60_000_000_000L);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "capture.feeds[0].name|''|capture.feeds[0].name: required",
        "capture.feeds[0].name|a-name-that-is-much-longer-than-the-sixty-four-bytes-a-hello-can-carry-x|"
            + "capture.feeds[0].name: 'a-name",
        "capture.feeds[0].relays|relay-a|capture.feeds[0].relays: 'relay-a' is not host:port",
        "capture.feeds[0].relays|relay-a:0|capture.feeds[0].relays: 'relay-a:0': port 0 is not in 1..65535",
        "capture.feeds[0].relays|relay-a:6667,,relay-b:1|capture.feeds[0].relays: empty item",
        "capture.feeds[0].groups|10.0.0.1:6100|capture.feeds[0].groups: ",
        "capture.feeds[0].groups|239.255.7.1|capture.feeds[0].groups: ",
        "capture.feeds[0].groups|239.255.7.1:6100,239.255.7.1:6100|capture.feeds[0].groups: '239.255.7.1:6100' is "
            + "listed twice",
        "capture.feeds[0].groups|239.255.7.1:6100->239.1.1.1:1|capture.feeds[0].groups: '239.255.7.1:6100->",
        "capture.feeds[0].interface|' '|capture.feeds[0].interface: required",
        "capture.replay-buffer-bytes|1k|capture.replay-buffer-bytes: 1024 is below the minimum",
        "capture.feeds[0].replay-buffer-bytes|lots|capture.feeds[0].replay-buffer-bytes: 'lots' is not a size",
        "capture.replay-buffer-bytes|4g|capture.replay-buffer-bytes: '4g' is not a size up to 2 GiB",
        "capture.replay-buffer-frames|0|capture.replay-buffer-frames: 0 is below the minimum",
        "capture.receive-buffer-bytes|-5|capture.receive-buffer-bytes: '-5' is not a size",
        "capture.liveness-timeout|3|capture.liveness-timeout: '3' is not a duration",
        "capture.liveness-timeout|1s|capture.liveness-timeout: 1000 ms must be longer than the relay's heartbeat",
        "capture.feeds[0].heartbeat-interval|0ms|capture.feeds[0].heartbeat-interval: 0 is below the minimum",
        "capture.connect-timeout|soon|capture.connect-timeout: 'soon' is not a duration",
        "capture.backoff-max|10ms|capture.backoff-max: 10 ms is below backoff-initial (50 ms)",
        "capture.idle-strategy|lazy|capture.idle-strategy: 'lazy' is not one of backoff, busy-spin, yielding, "
            + "sleeping",
        "capture.stats-interval|often|capture.stats-interval: 'often' is not a duration",
        "capture.drain-timeout|5|capture.drain-timeout: '5' is not a duration",
        "capture.feeds[0].colour|blue|capture.feeds[0].colour: unknown setting",
        "capture.replay-bufer-bytes|1m|capture.replay-bufer-bytes: unknown setting",
        "capture.feeds[2].name|other|capture.feeds[1]: feeds are numbered from 0 without gaps",
    })
    void shouldStopStartUpWithOneMessageNamingTheBadSetting(final String key, final String value,
        final String message) {
        final Properties properties = valid();
        properties.setProperty(key, value);

        assertThatThrownBy(() -> CaptureConfig.settings(properties)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith(message);
    }

    @Test
    void shouldRefuseAConfigurationWithoutFeeds() {
        assertThatThrownBy(() -> CaptureConfig.settings(new Properties()))
            .hasMessage("capture.feeds[0].name: no feed configured");
    }

    @Test
    void shouldRefuseTwoFeedsWithOneNameOrOneGroup() {
        final Properties sameName = valid();
        sameName.setProperty("capture.feeds[1].name", "prod");
        sameName.setProperty("capture.feeds[1].relays", "relay-a:6668");
        sameName.setProperty("capture.feeds[1].groups", "239.255.8.1:6200");
        sameName.setProperty("capture.feeds[1].interface", "eth1");
        final Properties sameGroup = new Properties();
        sameGroup.putAll(sameName);
        sameGroup.setProperty("capture.feeds[1].name", "test");
        sameGroup.setProperty("capture.feeds[1].groups", "239.255.7.2:6101");

        assertThatThrownBy(() -> CaptureConfig.settings(sameName))
            .hasMessage("capture.feeds: the name 'prod' is used twice");
        assertThatThrownBy(() -> CaptureConfig.settings(sameGroup))
            .hasMessage("capture.feeds: the group '239.255.7.2:6101' is in two feeds");
    }

    @Test
    void shouldStopStartUpNamingTheInterfaceWhenItDoesNotExist() {
        final Properties properties = valid();
        properties.setProperty("capture.feeds[0].interface", "nosuch9");
        final CaptureSettings settings = CaptureConfig.settings(properties);

        assertThatThrownBy(() -> Capture.start(settings)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("capture.feeds[0].interface: no interface named 'nosuch9'");
    }

    @Test
    void shouldReadTheConfigFileThenTheCommandLineOverIt(@TempDir final Path dir) throws IOException {
        final Path file = dir.resolve("capture.properties");
        Files.writeString(file, """
            capture.feeds[0].name=prod
            capture.feeds[0].relays=relay-a:6667
            capture.feeds[0].groups=239.255.7.1:6100
            capture.feeds[0].interface=eth1
            capture.liveness-timeout=5s
            """);

        final Properties properties = CaptureMain.properties(new String[] {
            "--config", file.toString(), "--relays", "relay-c:7000", "--replay-buffer-bytes=256m",
            "--capture.feeds[0].liveness-timeout", "2s"});
        final CaptureFeedSettings feed = CaptureConfig.settings(properties).feeds().get(0);

        assertThat(feed.relays()).containsExactly(new RelayAddress("relay-c", 7000));
        assertThat(feed.replayBufferBytes()).isEqualTo(256 << 20);
        assertThat(feed.livenessTimeoutNs()).isEqualTo(2_000_000_000L);
        assertThat(feed.groups()).containsExactly(Destination.parse("239.255.7.1:6100"));
    }

    @Test
    void shouldConfigureOneFeedFromOptionsAlone() {
        final Properties properties = CaptureMain.properties(new String[] {
            "--feed", "prod", "--relays", "127.0.0.1:6667", "--groups", "239.255.7.1:6100", "--interface", "lo"});

        assertThat(CaptureConfig.settings(properties).feeds().get(0).name()).isEqualTo("prod");
        assertThat(CaptureMain.properties(new String[] {"--feed", "x", "--help"})).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "stray|unexpected argument 'stray'",
        "--feed|option '--feed' needs a value",
        "--config|option '--config' needs a value",
        "--config /nonexistent/capture.properties|--config: cannot read /nonexistent/capture.properties",
    })
    void shouldRefuseABadCommandLineNamingTheOption(final String argv, final String message) {
        assertThatThrownBy(() -> CaptureMain.properties(argv.split(" "))).isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith(message);
    }
}
