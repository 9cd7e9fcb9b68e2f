package io.mcastrelay.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * CloudWatch as the AWS SDK sees it, on 127.0.0.1: records every request and answers each with what CloudWatch
 * answers a successful PutMetricData. The SDK (2.47) speaks Smithy RPC v2 CBOR to CloudWatch: a POST to
 * {@code /service/GraniteServiceVersion20100801/operation/PutMetricData} with a CBOR body (gzipped once it reaches
 * 10 KB), answered by 200 with the header {@code smithy-protocol: rpc-v2-cbor} and an empty CBOR map.
 */
public final class FakeCloudWatch implements AutoCloseable {
    public static final String ACCESS_KEY_ID = "AKIDRELAYTEST";

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    /** One request as received: its path, its headers, its CBOR body decoded (maps, lists, strings, numbers). */
    public record Request(String path, Map<String, List<String>> headers, Object body) {
        public boolean isPutMetricData() {
            return path.endsWith("/operation/PutMetricData");
        }

        @SuppressWarnings("unchecked")
        public Map<String, Object> input() {
            return (Map<String, Object>)body;
        }

        @SuppressWarnings("unchecked")
        public List<Map<String, Object>> metricData() {
            return (List<Map<String, Object>>)input().getOrDefault("MetricData", List.of());
        }
    }

    public FakeCloudWatch() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public List<Request> putMetricData() {
        return requests.stream().filter(Request::isPutMetricData).toList();
    }

    private void handle(final HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                try (InputStream gunzip = new GZIPInputStream(new ByteArrayInputStream(body))) {
                    body = gunzip.readAllBytes();
                }
            }
            requests.add(new Request(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()),
                body.length == 0 ? Map.of() : new Cbor(body).next()));
            final byte[] emptyMap = {(byte)0xa0};
            exchange.getResponseHeaders().add("Content-Type", "application/cbor");
            exchange.getResponseHeaders().add("smithy-protocol", "rpc-v2-cbor");
            exchange.sendResponseHeaders(200, emptyMap.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(emptyMap);
            }
        }
    }

    /**
     * Sets static test credentials as system properties, where the SDK's default chain looks first, and keeps the SDK
     * off the instance metadata service; closing restores what was there.
     */
    public static AutoCloseable useTestCredentials() {
        final Map<String, String> settings = Map.of(
            "aws.accessKeyId", ACCESS_KEY_ID,
            "aws.secretAccessKey", "relay-test-secret",
            "aws.disableEc2Metadata", "true");
        final Map<String, String> before = new LinkedHashMap<>();
        settings.forEach((key, value) -> {
            before.put(key, System.getProperty(key));
            System.setProperty(key, value);
        });
        return () -> before.forEach((key, value) -> {
            if (value == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, value);
            }
        });
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** A CBOR (RFC 8949) reader for what the SDK writes: maps, arrays, strings, numbers, tags, indefinite lengths. */
    static final class Cbor {
        private static final Object BREAK = new Object();
        private final byte[] bytes;
        private int position;

        Cbor(final byte[] bytes) {
            this.bytes = bytes;
        }

        Object next() {
            final int initial = bytes[position++] & 0xff;
            final int major = initial >>> 5;
            final int info = initial & 0x1f;
            if (initial == 0xff) {
                return BREAK;
            }
            if (major == 7) {
                return simple(info);
            }
            final long argument = info == 31 ? -1 : argument(info);
            switch (major) {
                case 0:
                    return argument;
                case 1:
                    return -1 - argument;
                case 2:
                case 3:
                    final byte[] content = argument < 0 ? chunks() : take((int)argument);
                    return major == 3 ? new String(content, StandardCharsets.UTF_8) : content;
                case 4:
                    final List<Object> array = new ArrayList<>();
                    for (long i = 0; argument < 0 || i < argument; i++) {
                        final Object item = next();
                        if (item == BREAK) {
                            break;
                        }
                        array.add(item);
                    }
                    return array;
                case 5:
                    final Map<Object, Object> map = new LinkedHashMap<>();
                    for (long i = 0; argument < 0 || i < argument; i++) {
                        final Object key = next();
                        if (key == BREAK) {
                            break;
                        }
                        map.put(key, next());
                    }
                    return map;
                default:
                    return next();
            }
        }

        private Object simple(final int info) {
            switch (info) {
                case 20:
                    return false;
                case 21:
                    return true;
                case 22:
                case 23:
                    return null;
                case 25:
                    return half((int)argument(info));
                case 26:
                    return (double)Float.intBitsToFloat((int)argument(info));
                case 27:
                    return Double.longBitsToDouble(argument(info));
                default:
                    throw new IllegalStateException("unexpected CBOR simple value " + info);
            }
        }

        private static double half(final int bits) {
            final int exponent = (bits >> 10) & 0x1f;
            final int mantissa = bits & 0x3ff;
            final double magnitude;
            if (exponent == 0) {
                magnitude = mantissa * Math.pow(2, -24);
            } else if (exponent == 31) {
                magnitude = mantissa == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
            } else {
                magnitude = (1 + mantissa / 1024.0) * Math.pow(2, exponent - 15);
            }
            return (bits & 0x8000) != 0 ? -magnitude : magnitude;
        }

        private long argument(final int info) {
            if (info < 24) {
                return info;
            }
            final int length = 1 << (info - 24);
            long value = 0;
            for (int i = 0; i < length; i++) {
                value = (value << 8) | (bytes[position++] & 0xff);
            }
            return value;
        }

        private byte[] take(final int length) {
            final byte[] content = new byte[length];
            System.arraycopy(bytes, position, content, 0, length);
            position += length;
            return content;
        }

        private byte[] chunks() {
            final ByteArrayOutputStream content = new ByteArrayOutputStream();
            for (Object chunk = next(); chunk != BREAK; chunk = next()) {
                content.writeBytes(chunk instanceof String text ? text.getBytes(StandardCharsets.UTF_8)
                    : (byte[])chunk);
            }
            return content.toByteArray();
        }
    }
}
