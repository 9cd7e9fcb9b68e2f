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
 * @param set                {@code standard}, {@code steady}, {@code recovery}, or {@code custom} (one scenario from
 *                           the options).
 * @param scenarios          names of the standard scenarios to run; empty for all.
 * @param custom             the custom scenario, or null.
 * @param forwarders         the forwarders every scenario runs instead of its own, or null.
 * @param repeat             repetitions of every scenario; 0 for each scenario's own (1, or 5 for 100B-100k).
 * @param warmupNs           warm-up of each run.
 * @param durationNs         measurement window of each run.
 * @param idle               the idle scenario's durations.
 * @param out                the results directory.
 * @param relayJar           the packaged relay.
 * @param loadTestsJar       this module's jar (the baseline's classpath).
 * @param yardstick          the native yardstick's executable, or null.
 * @param java               the java executable for the forwarders.
 * @param networkInterface   the egress and subscription interface.
 * @param relayJvmOptions    extra JVM options of the relay (for example a JFR recording).
 * @param baselineJvmOptions extra JVM options of the baseline.
 * @param spin               whether the generators spin instead of parking between frames.
 * @param forwarderCpus      the CPUs every forwarder runs on ({@code taskset -c} list), or null for any.
 * @param loaderCpus         the CPUs this JVM (generators, subscribers) runs on, or null for any.
 */
record LoadTestOptions(
    String set,
    List<String> scenarios,
    Scenario custom,
    List<Forwarder.Kind> forwarders,
    int repeat,
    long warmupNs,
    long durationNs,
    IdleTimes idle,
    Path out,
    Path relayJar,
    Path loadTestsJar,
    Path yardstick,
    String java,
    String networkInterface,
    List<String> relayJvmOptions,
    List<String> baselineJvmOptions,
    boolean spin,
    String forwarderCpus,
    String loaderCpus) {

    static final String USAGE = String.join("\n",
        "usage: LoadTest [--set standard|steady|recovery|custom] [--scenarios a,b] [--repeat N]",
        "                [--warmup 3s] [--duration 6s]",
        "                [--forwarders yardstick,baseline,relay,relay-dedicated,relay-busy-spin,relay-session]",
        "                [--yardstick PATH]",
        "                [--idle-settle 5s] [--idle-window 30s] [--silence 10s]",
        "                [--forwarder-cpus LIST] [--loader-cpus LIST] (taskset -c lists, such as 1 or 0,1)",
        "                [--out DIR] [--relay-jar PATH] [--interface lo] [--relay-jvm-opts '...'] [--spin]",
        "  custom: [--payload 64|1400|mix] [--rate 100k|max|burst:1000/10ms] [--feeds 1] [--subscribers 1]");

    /**
     * The idle scenario's durations.
     *
     * @param settleNs  after the forwarder is ready (and its start-up garbage collected), before measuring.
     * @param windowNs  CPU measured with no connection.
     * @param silenceNs each of the three silences (heartbeats only) before a lone DATA frame.
     */
    record IdleTimes(long settleNs, long windowNs, long silenceNs) {
    }

    static LoadTestOptions parse(final String[] args) {
        String set = "standard";
        List<String> scenarios = List.of();
        List<Forwarder.Kind> forwarders = null;
        int repeat = 0;
        long warmupNs = Durations.parseNanos("3s");
        long durationNs = Durations.parseNanos("6s");
        long settleNs = Durations.parseNanos("5s");
        long idleWindowNs = Durations.parseNanos("30s");
        long silenceNs = Durations.parseNanos("10s");
        Path out = Path.of("load-tests/results/latest");
        Path relayJar = Path.of("relay-app/target/relay.jar");
        Path yardstick = null;
        String networkInterface = "lo";
        final List<String> relayJvm = new ArrayList<>();
        boolean spin = false;
        String forwarderCpus = null;
        String loaderCpus = null;
        String payload = "64";
        String rate = "100k";
        int feeds = 1;
        int subscribers = 1;
        for (int i = 0; i < args.length; i++) {
            final String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--set" -> set = value;
                case "--scenarios" -> scenarios = Arrays.asList(value.split(","));
                case "--repeat" -> repeat = positive("--repeat", Integer.parseInt(value));
                case "--warmup" -> warmupNs = Durations.parseNanos(value);
                case "--duration" -> durationNs = Durations.parseNanos(value);
                case "--idle-settle" -> settleNs = Durations.parseNanos(value);
                case "--idle-window" -> idleWindowNs = Durations.parseNanos(value);
                case "--silence" -> silenceNs = Durations.parseNanos(value);
                case "--out" -> out = Path.of(value);
                case "--relay-jar" -> relayJar = Path.of(value);
                case "--yardstick" -> yardstick = Path.of(value);
                case "--interface" -> networkInterface = value;
                case "--relay-jvm-opts" -> relayJvm.addAll(Arrays.asList(value.trim().split("\\s+")));
                case "--forwarder-cpus" -> forwarderCpus = value;
                case "--loader-cpus" -> loaderCpus = value;
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
                + subscribers + "s", payload, rate, feeds, subscribers, Scenario.DEFAULT_FORWARDERS)
            : null;
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final Path self = jarOf(LoadTest.class);
        return new LoadTestOptions(set, scenarios, custom, forwarders, repeat, warmupNs, durationNs,
            new IdleTimes(settleNs, idleWindowNs, silenceNs), out, relayJar, self, yardstick, java, networkInterface,
            List.copyOf(relayJvm), List.of(), spin, forwarderCpus, loaderCpus);
    }

    LoadTestOptions withRelayJar(final Path jar) {
        return new LoadTestOptions(set, scenarios, custom, forwarders, repeat, warmupNs, durationNs, idle, out, jar,
            loadTestsJar, yardstick, java, networkInterface, relayJvmOptions, baselineJvmOptions, spin,
            forwarderCpus, loaderCpus);
    }

    LoadTestOptions withTimes(final long warmup, final long duration) {
        return new LoadTestOptions(set, scenarios, custom, forwarders, repeat, warmup, duration, idle, out,
            relayJar, loadTestsJar, yardstick, java, networkInterface, relayJvmOptions, baselineJvmOptions, spin,
            forwarderCpus, loaderCpus);
    }

    LoadTestOptions withForwarderCpus(final String cpus) {
        return new LoadTestOptions(set, scenarios, custom, forwarders, repeat, warmupNs, durationNs, idle, out,
            relayJar, loadTestsJar, yardstick, java, networkInterface, relayJvmOptions, baselineJvmOptions, spin,
            cpus, loaderCpus);
    }

    /**
     * How often a scenario runs.
     *
     * @param scenario the scenario.
     * @return {@code --repeat}, or the scenario's own count.
     */
    int repetitions(final Scenario scenario) {
        return repeat > 0 ? repeat : scenario.repetitions();
    }

    private static int positive(final String option, final int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(option + " must be positive");
        }
        return value;
    }

    static List<Forwarder.Kind> parseForwarders(final String value) {
        final List<Forwarder.Kind> kinds = new ArrayList<>();
        for (final String name : value.split(",")) {
            kinds.add(Forwarder.Kind.valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_')));
        }
        return List.copyOf(kinds);
    }

    private static Path jarOf(final Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (final URISyntaxException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
