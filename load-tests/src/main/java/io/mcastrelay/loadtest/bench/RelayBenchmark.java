package io.mcastrelay.loadtest.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How every benchmark of the relay runs (JMH reads these from the superclass): average time per frame in ns, one
 * fork with the relay's own module flags (Agrona's and Netty's internals, FFM for sendmmsg), Netty's leak detector
 * off as in production, a fixed 1 GiB heap so that {@code -prof gc} figures compare across runs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
    "--sun-misc-unsafe-memory-access=allow", "-Dio.netty.leakDetection.level=disabled", "-Xms1g", "-Xmx1g"})
public abstract class RelayBenchmark {
    /** Frames per read, and per measured operation. */
    static final int FRAMES = 16;
}
