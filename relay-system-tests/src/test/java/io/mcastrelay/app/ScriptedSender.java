package io.mcastrelay.app;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A datacenter sender driven line by line from stdin, run as a process of its own (in a namespace, or to be
 * frozen): {@code ScriptedSender HOST PORT GROUP UDP_PORT [SEND_BUFFER_BYTES]} opens one relay-v1 connection
 * ({@link FeedClient}) and prints {@code connected}; then {@code send PHASE N SIZE} writes N DATA frames whose
 * payloads are {@link #payload}{@code (PHASE, i, SIZE)} for i = 0..N-1 with blocking writes, and prints
 * {@code sent PHASE N} once the last write returned (so a sender held by TCP back-pressure prints it late);
 * {@code close} half-closes, waits until the relay closes too and prints {@code closed}, then the process exits.
 */
final class ScriptedSender {
    private ScriptedSender() {
    }

    public static void main(final String[] args) throws Exception {
        final String group = args[2];
        final int udpPort = Integer.parseInt(args[3]);
        final int sendBuffer = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        try (FeedClient client = new FeedClient(args[0], Integer.parseInt(args[1]), sendBuffer);
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII))) {
            System.out.println("connected");
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                final String[] command = line.trim().split(" ");
                if ("send".equals(command[0])) {
                    final int count = Integer.parseInt(command[2]);
                    final int size = Integer.parseInt(command[3]);
                    for (int i = 0; i < count; i++) {
                        client.send(group, udpPort, payload(command[1], i, size));
                    }
                    System.out.println("sent " + command[1] + " " + count);
                } else if ("close".equals(command[0])) {
                    client.shutdownOutput();
                    System.out.println(client.closedByPeer(30_000) ? "closed" : "not closed by the relay");
                    return;
                }
            }
        }
    }

    /**
     * A payload the test can recompute: {@code PHASE #i } then bytes of a pattern up to SIZE bytes.
     *
     * @param phase which batch.
     * @param index its number in the batch, from 0.
     * @param size  payload bytes, at least the head's.
     */
    static byte[] payload(final String phase, final int index, final int size) {
        final byte[] head = (phase + " #" + index + " ").getBytes(StandardCharsets.US_ASCII);
        final byte[] payload = new byte[Math.max(size, head.length)];
        System.arraycopy(head, 0, payload, 0, head.length);
        for (int i = head.length; i < payload.length; i++) {
            payload[i] = (byte)(i * 31 + index);
        }
        return payload;
    }
}
