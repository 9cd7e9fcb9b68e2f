package io.mcastrelay.ingress;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ProtocolDetectionResult;
import io.netty.handler.codec.ProtocolDetectionState;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;

/**
 * Looks at the first bytes of a connection that must start with a PROXY v2 header and refuses it at once if they
 * are anything else (a TLS ClientHello, a relay-v1 frame, a version 1 text header), instead of letting Netty's
 * decoder wait for a text line. Leaves the pipeline after the first read.
 *
 * <p>One instance per feed, shared by its connections; runs on the feed's event loop only.
 */
@ChannelHandler.Sharable
final class ProxyHeaderCheck extends ChannelInboundHandlerAdapter {
    /** The 12-byte signature of a version 2 header. */
    private static final int SIGNATURE_LENGTH = 12;

    private final IngressFeed feed;

    ProxyHeaderCheck(final IngressFeed feed) {
        this.feed = feed;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        if (msg instanceof ByteBuf in && in.readableBytes() >= SIGNATURE_LENGTH) {
            final ProtocolDetectionResult<HAProxyProtocolVersion> detected = HAProxyMessageDecoder.detectProtocol(in);
            if (detected.state() != ProtocolDetectionState.DETECTED
                || detected.detectedProtocol() != HAProxyProtocolVersion.V2) {
                in.release();
                ConnectionGate.refuse(feed, ctx, RefusalReason.PROXY_HEADER_INVALID,
                    detected.state() == ProtocolDetectionState.DETECTED
                        ? "PROXY protocol version 1, the relay takes 2" : "the connection does not start with a "
                        + "PROXY v2 header");
                return;
            }
        }
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(msg);
    }
}
