package io.mcastrelay.loadtest;

import java.util.ArrayList;
import java.util.List;

/**
 * One load-test scenario: what each feed's connection sends, how many feeds and subscribers, which forwarders run
 * it (one after the other, in an order that rotates from one repetition to the next), and how often. The idle
 * scenario sends no load: it measures each forwarder's CPU with no connection and with a sender that only sends
 * heartbeats, and the latency of a lone frame after a silence ({@link IdleRun}). Immutable.
 *
 * @param name          short name, used in file names ({@code 100B-100k}).
 * @param payloads      payload sizes.
 * @param rate          the rate of each feed's connection.
 * @param feeds         feeds (TCP connections, each with its own generator), each to its own groups.
 * @param groupsPerFeed destination groups per feed; frames go round-robin over them.
 * @param subscribers   receiving sockets, each joined to every group; 0 measures the forwarder alone (no latency).
 * @param forwarders    the forwarders to run.
 * @param repetitions   how often it runs unless {@code --repeat} says otherwise.
 * @param idle          whether this is the idle scenario.
 */
record Scenario(
    String name,
    PayloadSizes payloads,
    RateSpec rate,
    int feeds,
    int groupsPerFeed,
    int subscribers,
    List<Forwarder.Kind> forwarders,
    int repetitions,
    boolean idle) {

    /** What every scenario runs unless {@code --forwarders} says otherwise: the yardstick first among equals. */
    static final List<Forwarder.Kind> DEFAULT_FORWARDERS =
        List.of(Forwarder.Kind.YARDSTICK, Forwarder.Kind.BASELINE, Forwarder.Kind.RELAY);

    /** The idle scenario's name. */
    static final String IDLE = "idle";

    /** @return one line describing it. */
    String description() {
        if (idle) {
            return "no load: CPU with no connection, then with a sender of heartbeats only, and " + IdleRun.LONE_FRAMES
                + " lone " + payloads.name() + " frames each after a silence";
        }
        final String rates = feeds == 1 ? rate.label() : feeds + " x " + rate.label();
        return payloads.name() + ", " + rates + ", " + feeds + (feeds == 1 ? " feed" : " feeds") + ", "
            + (subscribers == 0 ? "no subscriber (multicast to groups nobody joined)"
                : subscribers + (subscribers == 1 ? " subscriber" : " subscribers"));
    }

    /** @return every stream (group) of the scenario. */
    int streams() {
        return feeds * groupsPerFeed;
    }

    /**
     * The forwarders in the order of one repetition: rotated by the turn, so that over as many turns as there are
     * forwarders each goes first once.
     *
     * @param turn the repetition's number in the whole invocation, from 0.
     * @return the order.
     */
    List<Forwarder.Kind> inTurn(final int turn) {
        final List<Forwarder.Kind> order = new ArrayList<>();
        for (int i = 0; i < forwarders.size(); i++) {
            order.add(forwarders.get((turn + i) % forwarders.size()));
        }
        return order;
    }

    Scenario withForwarders(final List<Forwarder.Kind> kinds) {
        return new Scenario(name, payloads, rate, feeds, groupsPerFeed, subscribers, List.copyOf(kinds), repetitions,
            idle);
    }

    Scenario repeated(final int times) {
        return new Scenario(name, payloads, rate, feeds, groupsPerFeed, subscribers, forwarders, times, idle);
    }

    /**
     * The standard set: every figure in the README comes from it. 100B-100k, the steady load the relay is sized for,
     * runs 5 times so that its medians have a spread.
     *
     * @return the scenarios in the order they run.
     */
    static List<Scenario> standard() {
        final List<Forwarder.Kind> three = DEFAULT_FORWARDERS;
        return List.of(
            of("100B-max", "100", "max", 1, 1, three),
            of("1000B-max", "1000", "max", 1, 1, three),
            of("100B-100k", "100", "100k", 1, 1, three).repeated(5),
            of("100B-50k", "100", "50k", 1, 1, three).repeated(5),
            of("64B-20k", "64", "20k", 1, 1, three),
            of("mix-100k", PayloadSizes.MIX, "100k", 1, 1, three),
            of("100B-2feeds-max", "100", "max", 2, 1, three),
            of("256B-100k-4subs", "256", "100k", 1, 4, three),
            idle(three));
    }

    /**
     * The steady-state runs: 200k frames/s of the market-data mix for a minute and more, with a subscriber, and with
     * none (so that the subscriber's share of two cores does not cap the relay below the rate).
     *
     * @return that scenario.
     */
    static List<Scenario> steady() {
        final List<Forwarder.Kind> relay = List.of(Forwarder.Kind.RELAY);
        return List.of(of("steady-mix-200k", PayloadSizes.MIX, "200k", 1, 1, relay),
            of("steady-mix-200k-relay-alone", PayloadSizes.MIX, "200k", 1, 0, relay));
    }

    /**
     * What recovery costs the live path: 100 B at a steady 100k/s with a subscriber, through the relay without
     * recovery, with every feed recorded, and recorded while a customer replays the feed from the start at full speed
     * through the replay port; the yardstick gives the ratios. Three times, rotating the order.
     *
     * @return that scenario.
     */
    static List<Scenario> recovery() {
        return List.of(of("100B-100k-recovery", "100", "100k", 1, 1, List.of(Forwarder.Kind.YARDSTICK,
            Forwarder.Kind.RELAY, Forwarder.Kind.RELAY_RECORDING, Forwarder.Kind.RELAY_REPLAYING)).repeated(3));
    }

    /**
     * The idle scenario: one feed, one subscriber, 100-byte lone frames.
     *
     * @param forwarders the forwarders to run.
     * @return it.
     */
    static Scenario idle(final List<Forwarder.Kind> forwarders) {
        return new Scenario(IDLE, PayloadSizes.parse("100"), RateSpec.parse("1"), 1, 1, 1, forwarders, 1, true);
    }

    static Scenario of(
        final String name, final String payloads, final String rate, final int feeds, final int subscribers,
        final List<Forwarder.Kind> forwarders) {
        return new Scenario(name, PayloadSizes.parse(payloads), RateSpec.parse(rate), feeds, 2, subscribers,
            forwarders, 1, false);
    }
}
