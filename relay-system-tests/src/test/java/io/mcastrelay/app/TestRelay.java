package io.mcastrelay.app;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.mcastrelay.egress.Egress;
import io.mcastrelay.ingress.IngressServer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** The whole relay application in the test's JVM, on free ports and a media driver directory of its own. */
final class TestRelay implements AutoCloseable {
    private final ConfigurableApplicationContext context;
    private final Path aeronDirectory;

    TestRelay(final String... properties) throws IOException {
        aeronDirectory = Files.createTempDirectory("relay-it-aeron");
        final List<String> all = new ArrayList<>(List.of(
            "server.port=0",
            "management.server.port=0",
            "relay.aeron.directory=" + aeronDirectory.resolve("driver"),
            "relay.egress.network-interface=lo",
            "relay.egress.loopback=true",
            "relay.shutdown.drain-timeout=5s"));
        for (final String property : properties) {
            final String key = property.substring(0, property.indexOf('=') + 1);
            all.removeIf(defaultProperty -> defaultProperty.startsWith(key));
            all.add(property);
        }
        context = new SpringApplicationBuilder(RelayApplication.class)
            .run(all.stream().map(property -> "--" + property).toArray(String[]::new));
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    RelayLifecycle lifecycle() {
        return context.getBean(RelayLifecycle.class);
    }

    IngressServer ingress() {
        return lifecycle().ingress();
    }

    Egress egress() {
        return lifecycle().egress();
    }

    String aeronDirectory() {
        return aeronDirectory.resolve("driver").toString();
    }

    ConfigurableApplicationContext context() {
        return context;
    }

    @Override
    public void close() {
        context.close();
    }
}
