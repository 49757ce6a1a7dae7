package io.goloom.bench.workload;

import io.goloom.bench.side.Side;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * spawn: how fast a scheduler starts, runs and retires short goroutines. One goroutine (Go's
 * main) starts {@code count} goroutines through the side's spawn path; each only decrements a
 * shared counter, and the one that brings it to zero opens a latch. Throughput is
 * {@code count} divided by the time from the first start to that latch. The counter reaching
 * zero is also the check that every goroutine ran, exactly once: a lost one times the round out.
 */
public final class Spawn implements Workload {

    private final int count;

    /** Starts {@code count} goroutines per round. */
    public Spawn(int count) {
        this.count = count;
    }

    @Override
    public String name() {
        return "spawn";
    }

    @Override
    public List<Metric> metrics() {
        return List.of(new Metric("throughput", "spawns/s", Target.atLeast(1.3)));
    }

    @Override
    public double[] run(Round round) throws Exception {
        return round.call(() -> {
            AtomicInteger left = new AtomicInteger(count);
            CountDownLatch allDone = new CountDownLatch(1);
            Runnable child = () -> {
                if (left.decrementAndGet() == 0) {
                    allDone.countDown();
                }
            };
            Side side = round.side();
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                side.start(child);
            }
            round.await(allDone);
            return new double[] {count * 1e9 / (System.nanoTime() - start)};
        });
    }

    @Override
    public Optional<GoProgram> goProgram() {
        return Optional.of(new GoProgram("spawn", List.of("-n", Integer.toString(count))));
    }
}
