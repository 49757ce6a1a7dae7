package io.goloom.bench.jmh;

import io.goloom.bench.workload.Round;
import io.goloom.bench.workload.Yield;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;

/**
 * One goroutine yielding with nothing else to run, {@value #CALLS} calls per invocation:
 * {@code Thread.yield()} (goloom: local queue) and {@code Go.yield()} (goloom: global queue; the
 * JDK side runs {@code Thread.yield()}, having no such call).
 */
public class YieldBenchmark extends OnSide {

    private static final int CALLS = 10_000;

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public double threadYield() throws Exception {
        return new Round(sched, TIMEOUT).call(() -> Yield.threadYield(CALLS));
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public double goYield() throws Exception {
        return new Round(sched, TIMEOUT).call(() -> Yield.gosched(sched, CALLS));
    }
}
