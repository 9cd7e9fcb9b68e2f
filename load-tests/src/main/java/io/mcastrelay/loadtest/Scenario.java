package io.mcastrelay.loadtest;

import java.util.List;

/**
 * One load-test scenario: what each feed's connection sends, how many feeds and subscribers, and which forwarders
 * run it, one after the other. Immutable.
 *
 * @param name          short name, used in file names ({@code 64B-100k}).
 * @param payloads      payload sizes.
 * @param rate          the rate of each feed's connection.
 * @param feeds         feeds (TCP connections), each to its own groups.
 * @param groupsPerFeed destination groups per feed; frames go round-robin over them.
 * @param subscribers   receiving sockets, each joined to every group; 0 measures the forwarder alone (no latency).
 * @param forwarders    the forwarders to run, the baseline first.
 */
record Scenario(
    String name,
    PayloadSizes payloads,
    RateSpec rate,
    int feeds,
    int groupsPerFeed,
    int subscribers,
    List<Forwarder.Kind> forwarders) {

    /** @return one line describing it. */
    String description() {
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
     * The standard set: every figure in the README comes from it.
     *
     * @return the scenarios in the order they run.
     */
    static List<Scenario> standard() {
        final List<Forwarder.Kind> both = List.of(Forwarder.Kind.BASELINE, Forwarder.Kind.RELAY);
        final List<Forwarder.Kind> all =
            List.of(Forwarder.Kind.BASELINE, Forwarder.Kind.RELAY, Forwarder.Kind.RELAY_BUSY_SPIN);
        return List.of(
            of("64B-20k", "64", "20k", 1, 1, both),
            of("64B-100k", "64", "100k", 1, 1, all),
            of("256B-100k", "256", "100k", 1, 1, both),
            of("1400B-100k", "1400", "100k", 1, 1, both),
            of("64B-500k", "64", "500k", 1, 1, both),
            of("64B-max", "64", "max", 1, 1, both),
            of("100B-max", "100", "max", 1, 1, both),
            of("1400B-max", "1400", "max", 1, 1, both),
            of("256B-2feeds-100k", "256", "100k", 2, 1, both),
            of("64B-2feeds-max", "64", "max", 2, 1, both),
            of("256B-100k-4subs", "256", "100k", 1, 4, both),
            of("mix-100k", PayloadSizes.MIX, "100k", 1, 1, both));
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

    static Scenario of(
        final String name, final String payloads, final String rate, final int feeds, final int subscribers,
        final List<Forwarder.Kind> forwarders) {
        return new Scenario(name, PayloadSizes.parse(payloads), RateSpec.parse(rate), feeds, 2, subscribers,
            forwarders);
    }
}
