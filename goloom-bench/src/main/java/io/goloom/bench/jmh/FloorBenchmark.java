package io.goloom.bench.jmh;

import io.goloom.bench.workload.ContinuationFloor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The floor: one bare {@code Continuation} run + yield on the benchmark's platform thread, no
 * scheduler involved. What a goroutine switch costs above this is the scheduler's overhead.
 */
@State(Scope.Thread)
public class FloorBenchmark extends Defaults {

    private ContinuationFloor floor;

    @Setup
    public void create() {
        floor = new ContinuationFloor();
    }

    @Benchmark
    public void yieldAndRun() {
        floor.switchOnce();
    }
}
