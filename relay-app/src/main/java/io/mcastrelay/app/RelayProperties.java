package io.mcastrelay.app;

import java.time.Duration;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Everything an operator configures, under {@code relay.*}. The defaults (in {@code application.yml}) run two
 * feeds modelled on Deribit's on a fresh Linux machine; {@code docs/configuration.md} explains each setting.
 * Cross-field rules (port clashes, groups, CIDRs, interface) are checked by {@link RelaySettings}.
 *
 * @param aeron    the media driver and IPC streams.
 * @param ingress  settings shared by every feed's listener.
 * @param egress   where and how multicast leaves.
 * @param shutdown how long a SIGTERM may take.
 * @param recovery the recording of every feed and the replay port (off unless enabled).
 * @param probes   the relay's probe datagrams for canaries (off unless a group is set).
 * @param feeds    the feeds, one TCP port each.
 */
@Validated
@ConfigurationProperties("relay")
public record RelayProperties(
    @Valid @NotNull @DefaultValue Aeron aeron,
    @Valid @NotNull @DefaultValue Ingress ingress,
    @Valid @NotNull @DefaultValue Egress egress,
    @Valid @NotNull @DefaultValue Shutdown shutdown,
    @Valid @NotNull @DefaultValue Recovery recovery,
    @Valid @NotNull @DefaultValue Probes probes,
    @NotEmpty List<@Valid Feed> feeds) {

    /**
     * Probe datagrams (docs/probes.md): per feed, a few a second, to a group of their own, from the feed's socket, for
     * a canary in a customer-like VPC. Rules live in {@code ProbeSettings} (relay-egress).
     *
     * @param group    the probe {@code group:port}; unset = no probes.
     * @param rate     probes per second per feed.
     * @param relayId  the relay's name in each probe; unset = the host name (in ECS awsvpc mode, the task's).
     */
    public record Probes(String group, @DefaultValue("5") int rate, String relayId) {
    }

    /**
     * Recovery for customers (docs/recovery.md): each feed's stream recorded with Aeron Archive, and the replay port.
     * Rules live in {@code RecoverySettings} (relay-recovery).
     *
     * @param enabled            record every feed and open the replay port.
     * @param archiveDirectory   the archive's catalog and segment files; keep it on a volume that outlives the task.
     * @param maxAge             a feed's datagrams older than this are purged.
     * @param maxBytes           a feed's recordings are purged down to this.
     * @param segmentSize        the unit of purging: a power of two, at least the term length.
     * @param bindAddress        the replay port's address.
     * @param port               the replay port.
     * @param allowedSources     CIDRs that may use the replay port: the customers' VPC ranges.
     * @param maxSessions        replay connections at once.
     * @param maxSpan            the longest time range one request may ask for.
     * @param maxFramesPerSecond each replay session's pace.
     * @param writeTimeout       a replay reader that takes nothing this long is cut off.
     */
    public record Recovery(
        @DefaultValue("false") boolean enabled,
        @NotBlank @DefaultValue("/var/lib/mcast-relay/archive") String archiveDirectory,
        @NotNull @DefaultValue("15m") Duration maxAge,
        @NotNull @DefaultValue("4GB") DataSize maxBytes,
        @NotNull @DefaultValue("128MB") DataSize segmentSize,
        @NotBlank @DefaultValue("0.0.0.0") String bindAddress,
        @DefaultValue("6800") int port,
        @NotNull @DefaultValue List<String> allowedSources,
        @DefaultValue("16") int maxSessions,
        @NotNull @DefaultValue("15m") Duration maxSpan,
        @DefaultValue("200000") int maxFramesPerSecond,
        @NotNull @DefaultValue("10s") Duration writeTimeout) {
    }

    /**
     * The Aeron media driver and the feeds' IPC streams.
     *
     * @param embeddedDriver true to run a media driver inside the relay (its directory is cleaned on start); false
     *                       to use an external driver already running in {@code directory}.
     * @param directory      the driver's directory; other processes on the host subscribe through it.
     * @param termLength     term length of each feed's IPC stream: a power of two, 64KB..1GB. Each feed maps three
     *                       terms in shared memory (/dev/shm).
     * @param driverTimeout  how long the client waits for the driver before it declares it gone.
     * @param clientLivenessTimeout         embedded driver: how long a client (a local subscriber's process) may go
     *                                      without a keepalive before the driver closes its publications and
     *                                      subscriptions; bounds how long a frozen tethered subscriber holds the
     *                                      relay. 1s..5m.
     * @param untetheredWindowLimitTimeout  embedded driver: how long an untethered subscriber a whole window behind
     *                                      may hold the stream before it is dropped. 200ms..5m.
     * @param untetheredRestingTimeout      embedded driver: how long a dropped untethered subscriber rests before it
     *                                      may rejoin at the live position. 200ms..5m.
     */
    public record Aeron(
        @DefaultValue("true") boolean embeddedDriver,
        @NotBlank @DefaultValue("/dev/shm/aeron-relay") String directory,
        @NotNull @DefaultValue("8MB") DataSize termLength,
        @NotNull @DefaultValue("10s") Duration driverTimeout,
        @NotNull @DefaultValue("10s") Duration clientLivenessTimeout,
        @NotNull @DefaultValue("5s") Duration untetheredWindowLimitTimeout,
        @NotNull @DefaultValue("10s") Duration untetheredRestingTimeout) {
    }

    /**
     * Settings shared by the feeds' listeners.
     *
     * @param bindAddress       the local address every feed listens on.
     * @param backPressureRetry how long a back-pressured connection waits before it tries to publish again.
     * @param receiveBuffer     SO_RCVBUF of accepted connections; 0 keeps the OS default, which auto-tunes.
     * @param ackInterval       how often a session (a sender that said HELLO) is told what has been sent.
     */
    public record Ingress(
        @NotBlank @DefaultValue("0.0.0.0") String bindAddress,
        @NotNull @DefaultValue("100us") Duration backPressureRetry,
        @NotNull @DefaultValue("0B") DataSize receiveBuffer,
        @NotNull @DefaultValue("10ms") Duration ackInterval) {
    }

    /**
     * Where and how multicast leaves.
     *
     * @param networkInterface the interface to send from: a name ({@code eth0}) or one of its IPv4 addresses.
     * @param ttl              IP multicast TTL.
     * @param loopback         whether processes on this host receive the datagrams too.
     * @param sendBuffer       SO_SNDBUF per feed socket; 0 keeps the OS default.
     * @param threading        event-loop (default: each feed's egress runs on its ingress event loop) or dedicated
     *                         (a thread per feed).
     * @param idleStrategy     with dedicated threads: backoff (default), busy-spin, yielding or sleeping.
     * @param batchSize        datagrams per sendmmsg call at most, 1..1024.
     */
    public record Egress(
        @NotBlank @DefaultValue("lo") String networkInterface,
        @DefaultValue("16") int ttl,
        @DefaultValue("true") boolean loopback,
        @NotNull @DefaultValue("0B") DataSize sendBuffer,
        @NotBlank @DefaultValue("event-loop") String threading,
        @NotBlank @DefaultValue("backoff") String idleStrategy,
        @DefaultValue("256") int batchSize) {
    }

    /**
     * Shutdown on SIGTERM.
     *
     * @param readinessGrace how long readiness reports DOWN, while the relay still accepts and relays, before it
     *                       stops accepting: time for a load balancer that was not told to deregister the target to
     *                       see it fail its checks. ECS deregisters first, so 0 suits it.
     * @param drainTimeout   how long draining accepted frames to egress may take before the relay exits anyway.
     */
    public record Shutdown(
        @NotNull @DefaultValue("0s") Duration readinessGrace,
        @NotNull @DefaultValue("5s") Duration drainTimeout) {
    }

    /**
     * One feed: a TCP port, its framing, where its datagrams may go, and who may connect.
     *
     * @param name           unique name, used in logs and metrics.
     * @param port           TCP port.
     * @param framing        relay-v1 or length-prefixed.
     * @param destinations   allowed {@code group:port}, each optionally remapped: {@code group:port->group:port}.
     * @param maxPayload     larger DATA frames are dropped and counted (the Transit Gateway drops over 8500 bytes).
     * @param allowedSources CIDRs that may connect.
     * @param maxConnections concurrent connections allowed.
     * @param idleTimeout    a connection silent this long is closed (senders heartbeat every second).
     * @param streamId       Aeron stream id of the feed; default 1001 for the first feed, 1002 for the next...
     * @param tls            TLS on the feed's port, off by default.
     * @param proxyProtocol  whether each connection starts with a PROXY protocol v2 header (an NLB with proxy
     *                       protocol v2 on its target group); the allowed sources then apply to the address in it.
     * @param proxySources   CIDRs that may send the PROXY header: the load balancer's subnets.
     * @param sequence       where payloads carry the exchange's sequence, or null.
     */
    public record Feed(
        @NotBlank @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}",
            message = "must be 1 to 64 letters, digits, '.', '_' or '-' (senders name it in HELLO)") String name,
        @Min(1) @Max(65535) int port,
        @NotBlank @DefaultValue("relay-v1") String framing,
        @NotEmpty List<String> destinations,
        @NotNull @DefaultValue("8472B") DataSize maxPayload,
        @NotEmpty @DefaultValue({"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8"})
        List<String> allowedSources,
        @DefaultValue("4") int maxConnections,
        @NotNull @DefaultValue("10s") Duration idleTimeout,
        @Min(1) Integer streamId,
        @Valid @NotNull @DefaultValue Tls tls,
        @DefaultValue("false") boolean proxyProtocol,
        @NotNull @DefaultValue List<String> proxySources,
        Sequence sequence) {
    }

    /**
     * Where the feed's payloads carry the exchange's own sequence number (a sequence locator); unset, the relay does
     * not look inside payloads. Rules live in {@code SequenceLocator} (relay-wire).
     *
     * @param offset    bytes from the payload's start (0 for CME MDP3, 10 for MoldUDP64).
     * @param width     4 or 8 bytes.
     * @param byteOrder big-endian or little-endian.
     */
    public record Sequence(@DefaultValue("0") int offset, @DefaultValue("8") int width,
        @DefaultValue("big-endian") String byteOrder) {
    }

    /**
     * TLS on one feed's port, with client certificates by default. The files are PEM and are reloaded when they
     * change, without a restart.
     *
     * @param enabled              whether the port speaks TLS.
     * @param certificateChainFile the relay's certificate, then any intermediates.
     * @param privateKeyFile       the certificate's key, unencrypted PKCS#8.
     * @param trustedCaFiles       CAs whose client certificates are trusted.
     * @param clientAuth           require (default), optional or none.
     * @param protocols            TLSv1.3 and/or TLSv1.2.
     * @param allowedClients       if set, client certificate subjects (DNs) or alternative names let in.
     * @param reloadInterval       how often the files are checked for changes.
     */
    public record Tls(
        @DefaultValue("false") boolean enabled,
        String certificateChainFile,
        String privateKeyFile,
        @NotNull @DefaultValue List<String> trustedCaFiles,
        @NotBlank @DefaultValue("require") String clientAuth,
        @NotNull @DefaultValue({"TLSv1.3", "TLSv1.2"}) List<String> protocols,
        @NotNull @DefaultValue List<String> allowedClients,
        @NotNull @DefaultValue("10s") Duration reloadInterval) {
    }
}
