package io.mcastrelay.loadtest;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The options of one invocation of {@link LoadTest}. Immutable.
 *
 * @param set                {@code standard}, {@code steady}, or {@code custom} (one scenario from the options).
 * @param scenarios          names of the standard scenarios to run; empty for all.
 * @param custom             the custom scenario, or null.
 * @param warmupNs           warm-up of each run.
 * @param durationNs         measurement window of each run.
 * @param out                the results directory.
 * @param relayJar           the packaged relay.
 * @param loadTestsJar       this module's jar (the baseline's classpath).
 * @param java               the java executable for the forwarders.
 * @param networkInterface   the egress and subscription interface.
 * @param relayJvmOptions    extra JVM options of the relay (for example a JFR recording).
 * @param baselineJvmOptions extra JVM options of the baseline.
 * @param spin               whether the generators spin instead of parking between frames.
 */
record LoadTestOptions(
    String set,
    List<String> scenarios,
    Scenario custom,
    long warmupNs,
    long durationNs,
    Path out,
    Path relayJar,
    Path loadTestsJar,
    String java,
    String networkInterface,
    List<String> relayJvmOptions,
    List<String> baselineJvmOptions,
    boolean spin) {

    static final String USAGE = String.join("\n",
        "usage: LoadTest [--set standard|steady|custom] [--scenarios a,b] [--warmup 3s] [--duration 6s]",
        "                [--out DIR] [--relay-jar PATH] [--interface lo] [--relay-jvm-opts '...'] [--spin]",
        "  custom: [--payload 64|1400|mix] [--rate 100k|max|burst:1000/10ms] [--feeds 1] [--subscribers 1]",
        "          [--forwarders baseline,relay,relay-busy-spin,relay-session]");

    static LoadTestOptions parse(final String[] args) {
        String set = "standard";
        List<String> scenarios = List.of();
        long warmupNs = Durations.parseNanos("3s");
        long durationNs = Durations.parseNanos("6s");
        Path out = Path.of("load-tests/results/latest");
        Path relayJar = Path.of("relay-app/target/relay.jar");
        String networkInterface = "lo";
        final List<String> relayJvm = new ArrayList<>();
        boolean spin = false;
        String payload = "64";
        String rate = "100k";
        int feeds = 1;
        int subscribers = 1;
        List<Forwarder.Kind> forwarders = List.of(Forwarder.Kind.BASELINE, Forwarder.Kind.RELAY);
        for (int i = 0; i < args.length; i++) {
            final String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--set" -> set = value;
                case "--scenarios" -> scenarios = Arrays.asList(value.split(","));
                case "--warmup" -> warmupNs = Durations.parseNanos(value);
                case "--duration" -> durationNs = Durations.parseNanos(value);
                case "--out" -> out = Path.of(value);
                case "--relay-jar" -> relayJar = Path.of(value);
                case "--interface" -> networkInterface = value;
                case "--relay-jvm-opts" -> relayJvm.addAll(Arrays.asList(value.trim().split("\\s+")));
                case "--payload" -> payload = value;
                case "--rate" -> rate = value;
                case "--feeds" -> feeds = Integer.parseInt(value);
                case "--subscribers" -> subscribers = Integer.parseInt(value);
                case "--forwarders" -> forwarders = parseForwarders(value);
                case "--spin" -> {
                    spin = true;
                    i--;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + USAGE);
            }
            i++;
        }
        final Scenario custom = "custom".equals(set)
            ? Scenario.of(payload + "-" + rate.replace(':', '-').replace('/', '-') + "-" + feeds + "f-"
                + subscribers + "s", payload, rate, feeds, subscribers, forwarders)
            : null;
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final Path self = jarOf(LoadTest.class);
        return new LoadTestOptions(set, scenarios, custom, warmupNs, durationNs, out, relayJar, self, java,
            networkInterface, List.copyOf(relayJvm), List.of(), spin);
    }

    LoadTestOptions withRelayJar(final Path jar) {
        return new LoadTestOptions(set, scenarios, custom, warmupNs, durationNs, out, jar, loadTestsJar, java,
            networkInterface, relayJvmOptions, baselineJvmOptions, spin);
    }

    LoadTestOptions withTimes(final long warmup, final long duration) {
        return new LoadTestOptions(set, scenarios, custom, warmup, duration, out, relayJar, loadTestsJar, java,
            networkInterface, relayJvmOptions, baselineJvmOptions, spin);
    }

    private static List<Forwarder.Kind> parseForwarders(final String value) {
        final List<Forwarder.Kind> kinds = new ArrayList<>();
        for (final String name : value.split(",")) {
            kinds.add(Forwarder.Kind.valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_')));
        }
        return kinds;
    }

    private static Path jarOf(final Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (final URISyntaxException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
