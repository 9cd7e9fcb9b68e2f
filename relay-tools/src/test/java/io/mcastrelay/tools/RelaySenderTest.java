package io.mcastrelay.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

import io.mcastrelay.tools.SendLoop.SendTotals;
import io.mcastrelay.wire.DataFrameFlyweight;
import io.mcastrelay.wire.FrameDescriptor;
import io.mcastrelay.wire.Ipv4;
import io.mcastrelay.wire.LengthPrefixedDecoder;
import io.mcastrelay.wire.ProbePayload;
import io.mcastrelay.wire.RelayV1Decoder;
import io.mcastrelay.wire.RelayV1Encoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RelaySenderTest {
    private static final String DESTS = "239.1.1.1:5000,239.1.1.2:5001,239.1.1.3:5002";

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
    private final DataFrameFlyweight data = new DataFrameFlyweight();
    private ServerSocketChannel server;

    @TempDir
    private Path dir;

    @BeforeEach
    void listen() throws IOException {
        server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterEach
    void close() throws IOException {
        server.close();
    }

    @Test
    void shouldSendCountedDataFramesRoundRobinWithSequencesFromOne() throws IOException {
        final SendTotals totals = RelaySender.send(
            settings("--count", "100", "--rate", "0", "--dest", DESTS, "--payload-bytes", "40"), out, () -> true);

        assertThat(totals.frames()).isEqualTo(100);
        assertThat(totals.heartbeats()).isZero();
        final UnsafeBuffer received = receiveAll();
        assertThat(received.capacity()).isEqualTo(100 * (DataFrameFlyweight.HEADER_LENGTH + 40));
        final int[] groups = {Ipv4.parse("239.1.1.1"), Ipv4.parse("239.1.1.2"), Ipv4.parse("239.1.1.3")};
        int offset = 0;
        for (int i = 0; i < 100; i++) {
            final int length = RelayV1Decoder.decode(received, offset, received.capacity() - offset);
            assertThat(length).isEqualTo(DataFrameFlyweight.HEADER_LENGTH + 40);
            assertThat(RelayV1Decoder.type(received, offset)).isEqualTo(FrameDescriptor.TYPE_DATA);
            data.wrap(received, offset);
            assertThat(data.sequence()).isEqualTo(i + 1);
            assertThat(data.group()).isEqualTo(groups[i % 3]);
            assertThat(data.port()).isEqualTo(5000 + i % 3);
            assertThat(data.sendTimeNanos()).isPositive();
            assertThat(data.payloadLength()).isEqualTo(40);
            assertThat(ProbePayload.isProbe(received, data.payloadOffset(), 40)).isTrue();
            assertThat(ProbePayload.stream(received, data.payloadOffset())).isEqualTo(i % 3);
            assertThat(ProbePayload.sequence(received, data.payloadOffset())).isEqualTo(i / 3 + 1);
            assertThat(ProbePayload.sendTimeNanos(received, data.payloadOffset())).isEqualTo(data.sendTimeNanos());
            offset += length;
        }
        assertThat(output.toString(StandardCharsets.UTF_8)).contains("RelaySender: total frames=100");
    }

    @Test
    void shouldSendLengthPrefixedProbesAsOneStream() throws IOException {
        RelaySender.send(settings("--count", "5", "--rate", "0", "--framing", "length-prefixed"), out, () -> true);

        final UnsafeBuffer received = receiveAll();
        assertThat(received.capacity()).isEqualTo(5 * (LengthPrefixedDecoder.PREFIX_LENGTH + 64));
        for (int i = 0; i < 5; i++) {
            final int offset = i * (LengthPrefixedDecoder.PREFIX_LENGTH + 64);
            assertThat(LengthPrefixedDecoder.decode(received, offset, 66, 64)).isEqualTo(66);
            assertThat(ProbePayload.sequence(received, offset + LengthPrefixedDecoder.PREFIX_LENGTH)).isEqualTo(i + 1);
        }
    }

    @Test
    void shouldPaceToRate() throws IOException {
        final long startNs = System.nanoTime();
        RelaySender.send(settings("--count", "51", "--rate", "500"), out, () -> true);

        assertThat(System.nanoTime() - startNs).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(95));
        assertThat(receiveAll().capacity()).isEqualTo(51 * (DataFrameFlyweight.HEADER_LENGTH + 64));
    }

    @Test
    void shouldReplayFileByteForByte() throws IOException {
        final UnsafeBuffer frames = new UnsafeBuffer(new byte[4096]);
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[1000]);
        int length = RelayV1Encoder.encodeData(frames, 0, Ipv4.parse("239.9.9.9"), 9000, 7, 123, payload, 0, 10);
        length += RelayV1Encoder.encodeHeartbeat(frames, length, 7, 456);
        length += RelayV1Encoder.encodeData(frames, length, Ipv4.parse("239.9.9.8"), 9001, 8, 789, payload, 0, 1000);
        length += RelayV1Encoder.encodeData(frames, length, Ipv4.parse("239.9.9.8"), 9001, 0, 0, payload, 0, 0);
        final byte[] fileBytes = Arrays.copyOf(frames.byteArray(), length);
        final Path file = Files.write(dir.resolve("frames.bin"), fileBytes);

        final SendTotals totals = RelaySender.send(settings("--file", file.toString(), "--rate", "0"), out, () -> true);

        assertThat(totals.frames()).isEqualTo(4);
        assertThat(totals.bytes()).isEqualTo(length);
        assertThat(receiveAll().byteArray()).isEqualTo(fileBytes);
    }

    @Test
    void shouldSendFramesBeforeBadOneThenStopNamingOffsetAndReason() throws IOException {
        final UnsafeBuffer frames = new UnsafeBuffer(new byte[256]);
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[16]);
        final int good = RelayV1Encoder.encodeData(frames, 0, Ipv4.parse("239.9.9.9"), 9000, 1, 0, payload, 0, 16);
        final int bad = RelayV1Encoder.encodeData(frames, good, Ipv4.parse("239.9.9.9"), 9000, 2, 0, payload, 0, 16);
        frames.putByte(good + FrameDescriptor.FLAGS_OFFSET, (byte)1);
        final Path file = Files.write(dir.resolve("bad.bin"), Arrays.copyOf(frames.byteArray(), good + bad));

        assertThatIOException()
            .isThrownBy(() -> RelaySender.send(settings("--file", file.toString()), out, () -> true))
            .withMessageContaining("bad frame at offset " + good + " of " + file)
            .withMessageContaining("non-zero-flags")
            .withMessageContaining("stopped after 1 frames");
        assertThat(receiveAll().byteArray()).isEqualTo(Arrays.copyOf(frames.byteArray(), good));
    }

    @Test
    void shouldReportTruncatedLastFrame() throws IOException {
        final UnsafeBuffer frames = new UnsafeBuffer(new byte[256]);
        final int length = RelayV1Encoder.encodeHeartbeat(frames, 0, 0, 1);
        final Path file = Files.write(dir.resolve("short.bin"), Arrays.copyOf(frames.byteArray(), length + 3));

        assertThatIOException()
            .isThrownBy(() -> RelaySender.send(settings("--file", file.toString()), out, () -> true))
            .withMessageContaining("truncated frame at offset 20");
    }

    @Test
    void shouldExitNonZeroNamingAddressWhenNothingListens() throws IOException {
        final int port = server.socket().getLocalPort();
        server.close();
        final ByteArrayOutputStream errors = new ByteArrayOutputStream();

        final int exitCode = RelaySender.run(new String[] {"--port", Integer.toString(port), "--count", "1"}, out,
            new PrintStream(errors, true, StandardCharsets.UTF_8), () -> true);

        assertThat(exitCode).isEqualTo(RelaySender.EXIT_FAILURE);
        assertThat(errors.toString(StandardCharsets.UTF_8)).contains("cannot connect to", ":" + port);
    }

    @Test
    void shouldExitWithUsageErrorOnBadOption() {
        final ByteArrayOutputStream errors = new ByteArrayOutputStream();

        final int exitCode = RelaySender.run(new String[] {"--payload-bytes", "10"}, out,
            new PrintStream(errors, true, StandardCharsets.UTF_8), () -> true);

        assertThat(exitCode).isEqualTo(RelaySender.EXIT_USAGE);
        assertThat(errors.toString(StandardCharsets.UTF_8)).contains("'--payload-bytes'");
    }

    private SenderSettings settings(final String... args) {
        final String[] argv = Arrays.copyOf(args, args.length + 2);
        argv[args.length] = "--port";
        argv[args.length + 1] = Integer.toString(server.socket().getLocalPort());
        return SenderSettings.from(SenderSettings.options().parse(argv));
    }

    private UnsafeBuffer receiveAll() throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (SocketChannel channel = server.accept()) {
            final ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (channel.read(buffer) >= 0) {
                bytes.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
        }
        return new UnsafeBuffer(bytes.toByteArray());
    }
}
