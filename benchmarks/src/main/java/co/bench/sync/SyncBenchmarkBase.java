package co.bench.sync;

import co.api.spi.CoRuntime;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the co.sync JMH benchmarks share (JMH inherits these annotations): average time in ns,
 * 3 + 5 one-second iterations in one fork that may make coroutines, and an affine runtime of two
 * schedulers for the trial.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-opens=java.base/java.lang=ALL-UNNAMED")
public abstract class SyncBenchmarkBase {

    /** The trial's affine runtime, two schedulers. */
    protected CoRuntime affine;

    /** Starts {@link #affine}. */
    @Setup(Level.Trial)
    public void startAffine() {
        affine = Harness.affine(2);
    }

    /** Stops {@link #affine}. */
    @TearDown(Level.Trial)
    public void stopAffine() {
        affine.stop();
    }
}
