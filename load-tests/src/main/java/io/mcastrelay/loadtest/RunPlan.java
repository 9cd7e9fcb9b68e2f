package io.mcastrelay.loadtest;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * What one forwarder's run in one repetition of a scenario is: the scenario, the forwarder, where it falls in the
 * invocation, and where its logs and progress lines go. Immutable.
 *
 * @param scenario   the scenario.
 * @param kind       the forwarder.
 * @param repetition the scenario's repetition, from 1.
 * @param position   the forwarder's place in that repetition's order, from 1.
 * @param options    the invocation's options.
 * @param workDir    where the forwarder's logs go.
 * @param out        progress lines.
 */
record RunPlan(
    Scenario scenario,
    Forwarder.Kind kind,
    int repetition,
    int position,
    LoadTestOptions options,
    Path workDir,
    PrintStream out) {

    /** @return the name of the forwarder's log files: {@code 100B-max-r1-relay}. */
    String runName() {
        return scenario.name() + "-r" + repetition + "-" + kind.fileName();
    }
}
