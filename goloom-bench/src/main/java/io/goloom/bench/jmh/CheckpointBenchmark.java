package io.goloom.bench.jmh;

import io.goloom.bench.workload.Round;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;

/**
 * {@code Go.checkpoint()} with no preemption request, called from inside a goroutine,
 * {@value #CALLS} times per invocation (the goroutine runs for well under the 10 ms slice, so
 * sysmon never asks). On the JDK side the call is the harness's empty {@code checkpoint()}: the
 * loop's own cost, for reference.
 */
public class CheckpointBenchmark extends OnSide {

    private static final int CALLS = 1_000_000;

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public int checkpointNotRequested() throws Exception {
        return new Round(sched, TIMEOUT).call(() -> {
            int i = 0;
            for (; i < CALLS; i++) {
                sched.checkpoint();
            }
            return i;
        });
    }
}
