package io.mcastrelay.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class IpcMessageFlyweightTest {
    @Test
    void shouldRoundTripEveryField() {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        IpcMessageFlyweight.encodeHeader(buffer, 8, 5, Ipv4.parse("239.9.9.9"), 6100,
            Ipv4.parse("239.1.1.1"), 5000, 77, 123, 456, 789);

        final IpcMessageFlyweight message = new IpcMessageFlyweight().wrap(buffer, 8);
        assertThat(message.version()).isEqualTo(1);
        assertThat(message.headerLength()).isEqualTo(48);
        assertThat(message.payloadOffset()).isEqualTo(56);
        assertThat(message.payloadLength()).isEqualTo(5);
        assertThat(Ipv4.toString(message.group())).isEqualTo("239.9.9.9");
        assertThat(message.port()).isEqualTo(6100);
        assertThat(Ipv4.toString(message.sourceGroup())).isEqualTo("239.1.1.1");
        assertThat(message.sourcePort()).isEqualTo(5000);
        assertThat(message.connectionId()).isEqualTo(77);
        assertThat(message.sequence()).isEqualTo(123);
        assertThat(message.sendTimeNanos()).isEqualTo(456);
        assertThat(message.ingressTimeNanos()).isEqualTo(789);
    }

    @Test
    void shouldLayOutFieldsLittleEndianAtTheDocumentedOffsets() {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        IpcMessageFlyweight.encodeHeader(buffer, 0, 1, 0xEF000001, 0x1234, 0, 0, 0, 0x0102030405060708L, 0, 0);
        assertThat(buffer.getByte(IpcMessageDescriptor.PORT_OFFSET)).isEqualTo((byte)0x34);
        assertThat(buffer.getByte(IpcMessageDescriptor.GROUP_OFFSET)).isEqualTo((byte)0x01);
        assertThat(buffer.getLong(IpcMessageDescriptor.SEQUENCE_OFFSET, ByteOrder.BIG_ENDIAN))
            .isEqualTo(0x0807060504030201L);
    }
}
