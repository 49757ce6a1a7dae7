package io.goloom.bench.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;

/**
 * Spawn: start a batch of {@value #BATCH} goroutines that do nothing, then join them all; the
 * time per goroutine. Started from the benchmark's platform thread, the path of an
 * {@code ExecutorService} handing tasks in from outside (goloom: the global queue).
 */
public class SpawnBenchmark extends OnSide {

    private static final int BATCH = 1_000;
    private static final Runnable NOTHING = () -> { };

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void spawnAndJoin() throws InterruptedException {
        Thread[] batch = new Thread[BATCH];
        for (int i = 0; i < BATCH; i++) {
            batch[i] = sched.start(NOTHING);
        }
        for (Thread t : batch) {
            t.join();
        }
    }
}
