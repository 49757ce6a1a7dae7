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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

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
 *
 * <p>On a loaded two-core machine JMH's forks of this benchmark vary by 2x and more, and a
 * trace exported after every invocation adds garbage whose collections slow the JDK's
 * continuations in the invocations after it. {@link #main} measures the same round trip with
 * less noise: the median of many rounds, either in one trace that spans them all or with
 * traced and untraced rounds alternating in one JVM (see docs/PERFORMANCE.md).
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

    /**
     * {@code off|on|alternate [rounds] [procs]}: runs {@code rounds} (default 150) rounds of
     * {@value #ROUND_TRIPS} round trips on {@code procs} Ps (default 1, no stealing) and prints
     * the median round trip of the last three quarters of the rounds: {@code off} never traces,
     * {@code on} records one trace across all rounds (written to /dev/null at the end; give
     * the heap room, e.g. -Xmn2g, so that no collection runs meanwhile), {@code alternate}
     * traces every other round (started and stopped around it) and prints both medians and
     * their ratio, measured in the same JVM.
     *
     * <pre>
     * java --add-opens java.base/java.lang=ALL-UNNAMED -Xmn2g -cp goloom-bench/target/goloom-bench.jar \
     *     io.goloom.bench.jmh.ParkPingPongTraceBenchmark alternate 300 1
     * </pre>
     */
    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "alternate";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 150;
        int procs = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        if (!List.of("off", "on", "alternate").contains(mode) || rounds < 4 || procs < 1) {
            throw new IllegalArgumentException("usage: off|on|alternate [rounds >= 4] [procs >= 1], was "
                    + String.join(" ", args));
        }
        GoloomSide side = (GoloomSide) Side.open(Side.GOLOOM, procs);
        GoRuntime rt = side.runtime();
        ParkPingPong pingPong = new ParkPingPong(ROUND_TRIPS);
        List<Double> traced = new ArrayList<>(), untraced = new ArrayList<>();
        if (mode.equals("on")) {
            rt.startTrace(Path.of("/dev/null"), (int) Math.min(1 << 26, 7L * rounds * ROUND_TRIPS));   // 6 events a round trip
        }
        for (int i = 0; i < rounds; i++) {
            boolean tracedRound = mode.equals("on") || (mode.equals("alternate") && i % 2 == 1);
            if (mode.equals("alternate") && tracedRound) {
                rt.startTrace(Path.of("/dev/null"), EVENTS_PER_THREAD);
            }
            double ns = pingPong.run(new Round(side, Duration.ofSeconds(60)))[0];
            if (mode.equals("alternate") && tracedRound) {
                rt.stopTrace();
            }
            if (i >= rounds / 4) {
                (tracedRound ? traced : untraced).add(ns);
            }
        }
        TraceSummary s = mode.equals("on") ? rt.stopTrace() : null;
        side.close();
        StringBuilder out = new StringBuilder("park ping-pong, procs=" + procs + ", " + mode + ": ");
        if (!untraced.isEmpty()) {
            out.append("untraced median ").append(Math.round(median(untraced))).append(" ns  ");
        }
        if (!traced.isEmpty()) {
            out.append("traced median ").append(Math.round(median(traced))).append(" ns  ");
        }
        if (!traced.isEmpty() && !untraced.isEmpty()) {
            out.append(String.format("ratio %.2f", median(traced) / median(untraced)));
        }
        System.out.println(out.toString().strip() + (s != null ? "  (" + s.events() + " events, " + s.dropped() + " dropped)" : ""));
    }

    private static double median(List<Double> xs) {
        List<Double> sorted = new ArrayList<>(xs);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
