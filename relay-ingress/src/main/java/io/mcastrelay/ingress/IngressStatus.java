package io.mcastrelay.ingress;

import java.util.List;

/**
 * What ingress shows of itself to health checks and metrics: its feeds, whether each listens, and each one's
 * counters. {@link IngressServer} implements it; readers need nothing else of the server. Safe from any thread.
 */
public interface IngressStatus {
    /** @return the feeds, in configuration order. */
    List<FeedSettings> feeds();

    /**
     * Whether a feed's listener is bound and accepting.
     *
     * @param feed the feed's name.
     * @return true while it accepts connections.
     */
    boolean isListening(String feed);

    /**
     * A feed's counters.
     *
     * @param feed the feed's name.
     * @return its counters.
     */
    IngressCounters counters(String feed);
}
