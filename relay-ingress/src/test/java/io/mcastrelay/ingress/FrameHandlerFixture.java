package io.mcastrelay.ingress;

import java.util.concurrent.TimeUnit;

import io.aeron.Aeron;
import io.mcastrelay.wire.Destination;
import io.mcastrelay.wire.Framing;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What the {@code FrameHandler*Test} classes share: the one {@link TestFeed} a test opens on the class's media
 * driver, closed after the test with a check that every buffer read in was released. Registered per test, next to
 * the driver:
 * <pre>
 * &#64;RegisterExtension
 * static final EmbeddedAeron aeron = new EmbeddedAeron();
 * &#64;RegisterExtension
 * final FrameHandlerFixture feeds = new FrameHandlerFixture(aeron.aeron());
 * </pre>
 */
final class FrameHandlerFixture implements AfterEachCallback {
    static final Destination PLAIN = Destination.parse("239.1.1.1:5000");
    static final Destination REMAPPED = Destination.parse("239.1.1.2:5001->239.9.9.9:6000");

    /** A back-pressured connection retries almost at once, so tests wait on the subscriber and not on a timer. */
    private static final long BACK_PRESSURE_RETRY_NS = TimeUnit.MICROSECONDS.toNanos(1);

    private final Aeron aeron;
    private TestFeed feed;

    FrameHandlerFixture(final Aeron aeron) {
        this.aeron = aeron;
    }

    /** Opens this test's feed on {@code aeron:ipc}. */
    TestFeed open(final Framing framing, final int maxPayloadBytes, final Destination... destinations) {
        return open(framing, maxPayloadBytes, "aeron:ipc", destinations);
    }

    /** Opens this test's feed on the given IPC channel. */
    TestFeed open(
        final Framing framing, final int maxPayloadBytes, final String channel, final Destination... destinations) {
        if (feed != null) {
            throw new IllegalStateException("one feed per test");
        }
        feed = new TestFeed(aeron, TestFeed.settings(framing, maxPayloadBytes, channel, destinations),
            BACK_PRESSURE_RETRY_NS);
        return feed;
    }

    @Override
    public void afterEach(final ExtensionContext context) {
        if (feed != null) {
            feed.close();
            feed.assertAllReleased();
        }
    }
}
