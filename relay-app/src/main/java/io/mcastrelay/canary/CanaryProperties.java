package io.mcastrelay.canary;

import java.time.Duration;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * What the canary joins and when it calls a path down, under {@code canary.*}; docs/probes.md explains each.
 *
 * @param networkInterface the interface to join on: a name ({@code eth0}) or an IPv4 address.
 * @param probeGroups      the relays' probe groups, {@code group:port} (the relays' {@code relay.probes.group}).
 * @param feedGroups       feed groups to watch too: the feed's name, its {@code group:port} and optionally where its
 *                         payloads carry the exchange's sequence.
 * @param forgetAfter      a relay silent this long is forgotten (a replaced task), its meters removed.
 * @param staleAfter       a relay's probes, or a feed group while its relays say they send, silent this long is
 *                         down.
 */
@Validated
@ConfigurationProperties("canary")
public record CanaryProperties(
    @NotBlank @DefaultValue("lo") String networkInterface,
    @NotEmpty List<@NotBlank String> probeGroups,
    @NotNull @DefaultValue List<@Valid FeedGroup> feedGroups,
    @NotNull @DefaultValue("3s") Duration staleAfter,
    @NotNull @DefaultValue("5m") Duration forgetAfter) {

    /**
     * A feed group to watch.
     *
     * @param feed     the feed's name on the relays.
     * @param group    its VPC-side {@code group:port}.
     * @param sequence {@code OFFSET:WIDTH:ORDER} of the exchange's sequence in the payload, or unset.
     */
    public record FeedGroup(@NotBlank String feed, @NotBlank String group, String sequence) {
    }
}
