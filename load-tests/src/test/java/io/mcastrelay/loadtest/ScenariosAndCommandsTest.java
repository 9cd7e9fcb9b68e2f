package io.mcastrelay.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenariosAndCommandsTest {
    private static final int[] PORTS = {16666, 16667};

    @TempDir
    Path dir;

    @Test
    void shouldRunEveryStandardScenarioThroughTheYardstickTheBaselineAndTheRelay() {
        final List<Scenario> standard = Scenario.standard();

        assertThat(standard).extracting(Scenario::name).containsExactly("100B-max", "1000B-max", "100B-100k",
            "100B-50k", "64B-20k", "mix-100k", "100B-2feeds-max", "256B-100k-4subs", "idle");
        assertThat(standard).allSatisfy(scenario -> assertThat(scenario.forwarders())
            .containsExactly(Forwarder.Kind.YARDSTICK, Forwarder.Kind.BASELINE, Forwarder.Kind.RELAY));
        assertThat(standard).filteredOn(scenario -> scenario.repetitions() > 1).extracting(Scenario::name)
            .containsExactly("100B-100k", "100B-50k");
        assertThat(standard.get(2).repetitions()).isEqualTo(5);
        assertThat(standard.get(3).repetitions()).isEqualTo(5);
        assertThat(standard.get(6).feeds()).isEqualTo(2);
        assertThat(standard.get(8).idle()).isTrue();
    }

    @Test
    void shouldLetEachForwarderGoFirstOnceInAsManyTurnsAsThereAreForwarders() {
        final Scenario scenario = Scenario.standard().get(0);
        final Map<Forwarder.Kind, Integer> firsts = new HashMap<>();
        for (int turn = 7; turn < 10; turn++) {
            final List<Forwarder.Kind> order = scenario.inTurn(turn);
            assertThat(order).containsExactlyInAnyOrderElementsOf(scenario.forwarders());
            firsts.merge(order.get(0), 1, Integer::sum);
        }
        assertThat(firsts).containsOnly(Map.entry(Forwarder.Kind.YARDSTICK, 1), Map.entry(Forwarder.Kind.BASELINE, 1),
            Map.entry(Forwarder.Kind.RELAY, 1));
    }

    @Test
    void shouldParseRepeatPinningIdleTimesAndForwarders() {
        final LoadTestOptions options = LoadTestOptions.parse(new String[] {"--repeat", "3", "--forwarder-cpus", "1",
            "--loader-cpus", "0", "--idle-window", "2s", "--silence", "500ms", "--forwarders",
            "yardstick,relay-busy-spin", "--yardstick", "/tmp/y"});

        assertThat(options.repetitions(Scenario.standard().get(0))).isEqualTo(3);
        assertThat(options.forwarderCpus()).isEqualTo("1");
        assertThat(options.loaderCpus()).isEqualTo("0");
        assertThat(options.idle()).isEqualTo(new LoadTestOptions.IdleTimes(5_000_000_000L, 2_000_000_000L,
            500_000_000L));
        assertThat(options.forwarders()).containsExactly(Forwarder.Kind.YARDSTICK, Forwarder.Kind.RELAY_BUSY_SPIN);
        assertThat(options.yardstick()).isEqualTo(Path.of("/tmp/y"));
        assertThat(LoadTestOptions.parse(new String[0]).repetitions(Scenario.standard().get(2))).isEqualTo(5);
        assertThatThrownBy(() -> LoadTestOptions.parse(new String[] {"--repeat", "0"}))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldPassThePlainRelayOnlyWhatTheHarnessMustSet() throws Exception {
        final List<String> relay = command(Forwarder.Kind.RELAY, LoadTestOptions.parse(new String[0]));
        final List<String> busySpin = command(Forwarder.Kind.RELAY_BUSY_SPIN, LoadTestOptions.parse(new String[0]));

        assertThat(relay).filteredOn(arg -> arg.startsWith("--relay.")).allSatisfy(arg -> assertThat(arg).matches(
            "--relay\\.(aeron\\.directory|egress\\.(network-interface|loopback|ttl)"
                + "|feeds\\[\\d]\\.(name|port|allowed-sources\\[0]|destinations\\[\\d]))=.+"));
        assertThat(relay).contains("--relay.egress.network-interface=lo", "--relay.egress.loopback=true",
            "--relay.egress.ttl=1", "--relay.feeds[1].port=16667",
            "--relay.feeds[1].destinations[1]=239.255.77.4:5000");
        assertThat(relay).noneMatch(arg -> arg.contains("idle-strategy"));
        assertThat(busySpin).contains("--relay.egress.idle-strategy=busy-spin");
        assertThat(relay.get(0)).as("not pinned").endsWith("java");
        assertThat(relay).noneMatch(arg -> arg.contains("recovery"));
    }

    @Test
    void shouldRunTheRecoveryScenarioWithAndWithoutRecordingAndWithAReplayBesideIt() throws Exception {
        final Scenario recovery = Scenario.recovery().get(0);
        assertThat(recovery.forwarders()).containsExactly(Forwarder.Kind.YARDSTICK, Forwarder.Kind.RELAY,
            Forwarder.Kind.RELAY_RECORDING, Forwarder.Kind.RELAY_REPLAYING);
        for (final Forwarder.Kind kind : List.of(Forwarder.Kind.RELAY_RECORDING, Forwarder.Kind.RELAY_REPLAYING)) {
            assertThat(command(kind, LoadTestOptions.parse(new String[0]))).contains("--relay.recovery.enabled=true",
                "--relay.recovery.port=3", "--relay.recovery.archive-directory=" + dir.resolve("archive"),
                "--relay.recovery.allowed-sources[0]=127.0.0.0/8");
        }
    }

    @Test
    void shouldStartThePinnedYardstickWithNoJvm() throws Exception {
        final Path yardstick = Files.createFile(dir.resolve("yardstick"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        final LoadTestOptions options = LoadTestOptions.parse(new String[] {"--yardstick", yardstick.toString(),
            "--forwarder-cpus", "1"});

        assertThat(command(Forwarder.Kind.YARDSTICK, options)).containsExactly("taskset", "-c", "1",
            yardstick.toString(), "--interface-address", "127.0.0.1", "--ports", "16666,16667", "--ttl", "1",
            "--loop", "1");
        assertThatThrownBy(() -> command(Forwarder.Kind.YARDSTICK, LoadTestOptions.parse(new String[0])))
            .hasMessageContaining("no yardstick");
    }

    @Test
    void shouldSumTheClosedLinesOnceEveryConnectionClosed() {
        final List<String> log = List.of("ready", "closed port=1 frames=10 datagrams=9 heartbeats=2 errors=1",
            "closed port=2 frames=5 datagrams=5 heartbeats=0 errors=0");

        assertThat(ForwarderCounters.fromClosedLines(log, 2)).isEqualTo(new ForwarderCounters(15, 14, 1, 0, 0));
        assertThat(ForwarderCounters.fromClosedLines(log, 3)).isNull();
        assertThat(ForwarderCounters.fromPrometheus(String.join("\n", "# HELP x",
            "relay_ingress_frames_total{feed=\"f0\"} 7.0", "relay_ingress_frames_total{feed=\"f1\"} 3.0",
            "relay_egress_datagrams_total 10.0", "relay_ingress_drops_total{reason=\"a\"} 2.0",
            "relay_ingress_backpressure_episodes_total 4.0")))
            .isEqualTo(new ForwarderCounters(10, 10, 2, 4, 0));
    }

    private List<String> command(final Forwarder.Kind kind, final LoadTestOptions options) throws Exception {
        final ForwarderCommand.RelayPlaces places = new ForwarderCommand.RelayPlaces(dir.resolve("aeron"), 1, 2, 3,
            dir.resolve("archive"));
        final int[][] groups = {{0xEFFF_4D01, 0xEFFF_4D02}, {0xEFFF_4D03, 0xEFFF_4D04}};
        return ForwarderCommand.of(kind, options, dir.resolve("gc.log"), places, PORTS, groups, 5000);
    }
}
