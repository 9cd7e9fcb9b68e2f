package io.mcastrelay.egress;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Linux's {@code sendmmsg(2)}, called through the Foreign Function &amp; Memory API: many datagrams for one system
 * call, each {@code iovec} pointing straight at its payload. The JDK has no such call; one {@code sendto} per
 * datagram costs about three times the CPU of a batched send (load-tests/README.md).
 *
 * <p>One instance per calling thread: it holds the {@code errno} that the call captures. Allocates nothing per call.
 * The layouts of {@code struct mmsghdr}, {@code struct iovec} and {@code struct sockaddr_in} are those of LP64
 * Linux (x86-64 and arm64 alike), as are the {@code errno} values below.
 */
final class Sendmmsg {
    /** Interrupted by a signal before anything was sent: call again. */
    static final int EINTR = 4;
    /** The socket's send buffer is full (non-blocking socket): call again later. */
    static final int EAGAIN = 11;

    /** {@code sizeof(struct mmsghdr)}. */
    static final int MMSGHDR_LENGTH = 64;
    /** {@code offsetof(struct mmsghdr, msg_hdr.msg_name)}. */
    static final int MSG_NAME_OFFSET = 0;
    /** {@code offsetof(struct mmsghdr, msg_hdr.msg_namelen)}. */
    static final int MSG_NAMELEN_OFFSET = 8;
    /** {@code offsetof(struct mmsghdr, msg_hdr.msg_iov)}. */
    static final int MSG_IOV_OFFSET = 16;
    /** {@code offsetof(struct mmsghdr, msg_hdr.msg_iovlen)}. */
    static final int MSG_IOVLEN_OFFSET = 24;
    /** {@code offsetof(struct mmsghdr, msg_len)}: bytes the kernel sent of that message. */
    static final int MSG_LEN_OFFSET = 56;
    /** {@code sizeof(struct iovec)}. */
    static final int IOVEC_LENGTH = 16;
    /** {@code offsetof(struct iovec, iov_len)}. */
    static final int IOV_LEN_OFFSET = 8;
    /** {@code sizeof(struct sockaddr_in)}. */
    static final int SOCKADDR_IN_LENGTH = 16;
    /** {@code AF_INET}. */
    static final short AF_INET = 2;
    /** The most messages one call takes ({@code UIO_MAXIOV}); the kernel sends at most this many. */
    static final int MAX_MESSAGES = 1024;

    private static final StructLayout CAPTURED_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURED_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SENDMMSG = downcall();

    private final MemorySegment capturedState = Arena.ofAuto().allocate(CAPTURED_STATE);

    /** Linking a native function is restricted: the JVM runs with {@code --enable-native-access=ALL-UNNAMED}. */
    @SuppressWarnings("restricted")
    private static MethodHandle downcall() {
        final Linker linker = Linker.nativeLinker();
        final MemorySegment symbol = linker.defaultLookup().find("sendmmsg").orElseThrow(
            () -> new UnsupportedOperationException("this C library has no sendmmsg (the relay needs Linux)"));
        // The array is passed as its address, a 64-bit integer as LP64's calling convention passes a pointer, so
        // that sending from any slot of it needs no MemorySegment object.
        return linker.downcallHandle(symbol, FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT),
            Linker.Option.captureCallState("errno"));
    }

    /**
     * Sends {@code count} messages with one system call.
     *
     * @param fd              the UDP socket.
     * @param messagesAddress the native address of the first {@code struct mmsghdr} to send.
     * @param count           how many of them, at most {@link #MAX_MESSAGES}.
     * @return how many were sent, from the first; -1 if none was, with the reason in {@link #errno()}.
     */
    int send(final int fd, final long messagesAddress, final int count) {
        try {
            return (int)SENDMMSG.invokeExact(capturedState, fd, messagesAddress, count, 0);
        } catch (final Throwable ex) {
            throw new IllegalStateException("sendmmsg could not be called", ex);
        }
    }

    /** @return the {@code errno} of the last {@link #send} that returned -1. */
    int errno() {
        return (int)ERRNO.get(capturedState, 0L);
    }
}
