package io.goloom.bench.workload;

import io.goloom.bench.side.Side;

import java.util.List;
import java.util.Optional;

/**
 * yield: the cost of a goroutine giving up its carrier when nothing else wants it, i.e. the
 * scheduler's bare per-switch overhead on top of the continuation floor. One goroutine calls
 * {@link Thread#yield()} {@code calls} times (goloom: back to the tail of the local queue),
 * then another calls {@link Side#gosched()} {@code calls} times (goloom: {@code Go.yield()},
 * through the global queue; the JDK, which has no such call, runs {@code Thread.yield()}
 * again). Each row is the time of its loop divided by {@code calls}. Go's analogue is
 * {@code runtime.Gosched()}, reported in both rows.
 */
public final class Yield implements Workload {

    private final int calls;

    /** Times {@code calls} yields of each kind per round. */
    public Yield(int calls) {
        this.calls = calls;
    }

    @Override
    public String name() {
        return "yield";
    }

    @Override
    public List<Metric> metrics() {
        return List.of(new Metric("Thread.yield", "ns", Target.atMost(0.6)),
                new Metric("Go.yield", "ns", Target.atMost(0.6)));
    }

    @Override
    public double[] run(Round round) throws Exception {
        Side side = round.side();
        return new double[] {round.call(() -> threadYield(calls)), round.call(() -> gosched(side, calls))};
    }

    /** Nanoseconds per {@link Thread#yield()}, over {@code calls} calls by the calling thread. */
    public static double threadYield(int calls) {
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            Thread.yield();
        }
        return (double) (System.nanoTime() - start) / calls;
    }

    /** Nanoseconds per {@link Side#gosched()}, over {@code calls} calls by the calling thread. */
    public static double gosched(Side side, int calls) {
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            side.gosched();
        }
        return (double) (System.nanoTime() - start) / calls;
    }

    @Override
    public Optional<GoProgram> goProgram() {
        return Optional.of(new GoProgram("yield", List.of("-n", Integer.toString(calls))));
    }
}
