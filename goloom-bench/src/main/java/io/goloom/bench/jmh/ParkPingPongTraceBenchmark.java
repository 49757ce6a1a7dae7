package io.goloom.bench.jmh;

import io.goloom.GoRuntime;
import io.goloom.TraceSummary;
import io.goloom.bench.side.GoloomSide;
import io.goloom.bench.side.Side;
import io.goloom.bench.workload.ParkPingPong;
import io.goloom.bench.workload.Round;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The cost of the execution trace (issue #6 part 2) on goloom's hottest path: the
 * {@link ParkPingPong} round trip (each one records two GoUnblock, two GoStart and two
 * GoBlock events) with {@code tracing=off} (the event sites compiled in, the trace not
 * running: compare with {@link ParkPingPongBenchmark}'s {@code side=goloom}) and
 * {@code tracing=on}. With tracing on, each invocation of {@value #ROUND_TRIPS} round trips is
 * one trace, started and stopped outside the measured time, and written to /dev/null: that
 * keeps every event within the per-thread buffer (a trace longer than its buffers would
 * measure the cheaper drop path). A trace that dropped events fails the benchmark.
 *
 * <pre>{@code
 * ./goloom jmh ParkPingPong      # this and ParkPingPongBenchmark
 * }</pre>
 */
@State(Scope.Benchmark)
public class ParkPingPongTraceBenchmark extends Defaults {

    private static final int ROUND_TRIPS = 10_000;
    /** 6 events per round trip, most on one carrier: twice what an invocation records. */
    private static final int EVENTS_PER_THREAD = 1 << 17;

    private final ParkPingPong pingPong = new ParkPingPong(ROUND_TRIPS);

    @Param({"off", "on"})
    public String tracing;

    private GoloomSide side;
    private GoRuntime runtime;

    @Setup(Level.Trial)
    public void open() {
        if (!tracing.equals("off") && !tracing.equals("on")) {
            throw new IllegalArgumentException("tracing must be off or on, was \"" + tracing + "\"");
        }
        side = (GoloomSide) Side.open(Side.GOLOOM, Runtime.getRuntime().availableProcessors());
        runtime = side.runtime();
    }

    @Setup(Level.Invocation)
    public void startTrace() throws IOException {
        if (tracing.equals("on")) {
            runtime.startTrace(Path.of("/dev/null"), EVENTS_PER_THREAD);
        }
    }

    @TearDown(Level.Invocation)
    public void stopTrace() throws IOException {
        if (tracing.equals("on")) {
            TraceSummary s = runtime.stopTrace();
            if (s.dropped() > 0) {
                throw new IllegalStateException("the trace dropped events, the measurement would be cheap: " + s);
            }
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        side.close();
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public double roundTrip() throws Exception {
        return pingPong.run(new Round(side, Duration.ofSeconds(60)))[0];
    }
}
