package io.goloom.bench.jmh;

import io.goloom.bench.side.Side;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.time.Duration;

/**
 * Base of the benchmarks measured on both schedulers: parameter {@code side} ({@code -p
 * side=goloom} or {@code jdk}) picks the scheduler, opened once per trial with one P per
 * available processor.
 */
@State(Scope.Benchmark)
public abstract class OnSide extends Defaults {

    /** Bounds every invocation, as in the comparison harness: a lost wake-up fails, not hangs. */
    protected static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Param({Side.GOLOOM, Side.JDK})
    public String side;

    /** The scheduler under measurement. */
    protected Side sched;

    @Setup(Level.Trial)
    public void open() {
        sched = Side.open(side, Runtime.getRuntime().availableProcessors());
    }

    @TearDown(Level.Trial)
    public void close() {
        sched.close();
    }
}
