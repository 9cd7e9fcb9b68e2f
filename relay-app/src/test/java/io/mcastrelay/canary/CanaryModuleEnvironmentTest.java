package io.mcastrelay.canary;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The Terraform canary module hands relay-canary its settings as environment variables; this binds exactly the
 * environment the module's test asserts ({@code terraform/modules/canary/tests/canary.tftest.hcl}) the way Spring Boot
 * binds a process's environment, and checks that every setting arrives. A misspelt variable would be ignored
 * silently at run time and leave the canary on its defaults (loopback, no groups).
 */
class CanaryModuleEnvironmentTest {
    private static final Path MODULE_TEST = Path.of("..", "terraform", "modules", "canary", "tests",
        "canary.tftest.hcl");
    private static final Pattern BLOCK = Pattern.compile("output\\.environment == \\{(.*?)}", Pattern.DOTALL);
    private static final Pattern ENTRY = Pattern.compile("([A-Z0-9_]+)\\s*=\\s*\"([^\"]*)\"");

    @Test
    void shouldBindEveryVariableTheModuleSets() throws IOException {
        final Map<String, Object> environment = moduleEnvironment();
        assertThat(environment).containsKeys("CANARY_NETWORKINTERFACE", "CANARY_PROBEGROUPS_0",
            "RELAY_METRICS_CLOUDWATCH_DIMENSIONS_SERVICE");

        final StandardEnvironment spring = new StandardEnvironment();
        spring.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
            new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                environment));
        spring.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        ConfigurationPropertySources.attach(spring);
        final Binder binder = Binder.get(spring);

        final CanaryProperties canary = binder.bind("canary", CanaryProperties.class).get();
        assertThat(canary.networkInterface()).isEqualTo("eth0");
        assertThat(canary.staleAfter()).isEqualTo(Duration.ofSeconds(3));
        assertThat(canary.probeGroups()).containsExactly("239.255.0.100:6999");
        assertThat(canary.feedGroups()).containsExactly(
            new CanaryProperties.FeedGroup("prod", "239.255.7.1:6100", "0:4:little-endian"),
            new CanaryProperties.FeedGroup("test", "239.255.6.1:6200", null));

        assertThat(binder.bind("relay.metrics.cloudwatch.enabled", Boolean.class).get()).isTrue();
        assertThat(binder.bind("relay.metrics.cloudwatch.namespace", String.class).get()).isEqualTo("McastRelay");
        assertThat(binder.bind("relay.metrics.cloudwatch.step", Duration.class).get())
            .isEqualTo(Duration.ofMinutes(1));
        assertThat(binder.bind("relay.metrics.cloudwatch.dimensions.service", String.class).get())
            .isEqualTo("mcast-canary");
        assertThat(binder.bind("logging.structured.format.console", String.class).get()).isEqualTo("ecs");
    }

    private static Map<String, Object> moduleEnvironment() throws IOException {
        final Matcher block = BLOCK.matcher(Files.readString(MODULE_TEST));
        assertThat(block.find()).as("%s asserts output.environment", MODULE_TEST).isTrue();
        final Map<String, Object> environment = new LinkedHashMap<>();
        final Matcher entry = ENTRY.matcher(block.group(1));
        while (entry.find()) {
            environment.put(entry.group(1), entry.group(2));
        }
        assertThat(List.copyOf(environment.keySet())).hasSizeGreaterThan(10);
        return environment;
    }
}
