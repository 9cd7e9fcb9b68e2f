package io.mcastrelay.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.mcastrelay.wire.Destination;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 5, unit = TimeUnit.SECONDS)
class ArgsTest {
    private static Args args() {
        return new Args("Tool", "Does things.")
            .option("--port", "6666", "a port")
            .option("--name", null, "a name")
            .flag("--quiet", "say less");
    }

    @Test
    void shouldNameUnknownOption() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> args().parse(new String[] {"--port", "1", "--bogus", "x"}))
            .withMessage("unknown option '--bogus' (see --help)");
    }

    @Test
    void shouldNameOptionWhoseValueIsMissing() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> args().parse(new String[] {"--name"}))
            .withMessage("option '--name' needs a value");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> args().parse(new String[] {"--name", "--quiet"}))
            .withMessage("option '--name' needs a value");
    }

    @Test
    void shouldNameMissingRequiredOption() {
        final Args args = args().parse(new String[0]);
        assertThatIllegalArgumentException()
            .isThrownBy(() -> args.required("--name"))
            .withMessage("missing required option '--name'");
    }

    @Test
    void shouldNameOptionWithBadNumber() {
        final Args args = args().parse(new String[] {"--port", "70000"});
        assertThatIllegalArgumentException()
            .isThrownBy(() -> args.intValue("--port", 1, 65535))
            .withMessage("option '--port' expects an integer in 1..65535, got '70000'");
    }

    @Test
    void shouldRejectStrayArgumentAndRepeat() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> args().parse(new String[] {"6666"}))
            .withMessageContaining("unexpected argument '6666'");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> args().parse(new String[] {"--quiet", "--quiet"}))
            .withMessage("option '--quiet' given more than once");
    }

    @Test
    void shouldReadValuesDefaultsAndFlags() {
        final Args args = args().parse(new String[] {"--name", "feed-a", "--quiet"});

        assertThat(args.value("--name")).isEqualTo("feed-a");
        assertThat(args.intValue("--port", 1, 65535)).isEqualTo(6666);
        assertThat(args.isSet("--port")).isFalse();
        assertThat(args.isSet("--quiet")).isTrue();
        assertThat(args.helpRequested()).isFalse();
    }

    @Test
    void shouldAnswerHelpEvenBesideBadOptions() {
        final Args args = args().parse(new String[] {"--bogus", "--help"});

        assertThat(args.helpRequested()).isTrue();
        assertThat(args.usage()).contains("usage: Tool", "--port <value>", "(default 6666)", "--quiet", "--help");
    }

    @Test
    void shouldNameOptionOfBadDestination() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> Args.parseDestinations("--dest", "239.1.1.1:5000,10.0.0.1:5001"))
            .withMessageContaining("option '--dest'")
            .withMessageContaining("10.0.0.1 is outside 224.0.0.0/4");
        assertThat(Args.parseDestinations("--dest", "239.1.1.1:5000, 239.1.1.2:5001"))
            .extracting(Destination::toString)
            .containsExactly("239.1.1.1:5000", "239.1.1.2:5001");
    }
}
