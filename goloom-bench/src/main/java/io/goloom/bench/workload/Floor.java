package io.goloom.bench.workload;

import java.util.List;

/**
 * floor: the cost of one bare continuation switch, {@code Continuation.yield} plus
 * {@code run}, on one platform thread with no scheduler at all ({@link ContinuationFloor}).
 * No scheduler can switch goroutines for less; what {@code yield} costs above this is the
 * scheduler's own overhead per switch. It does not depend on the side, so it is run once per
 * round and reported in the goloom column.
 */
public final class Floor implements Workload {

    private final int switches;

    /** Times {@code switches} switches per round. */
    public Floor(int switches) {
        this.switches = switches;
    }

    @Override
    public String name() {
        return "floor";
    }

    @Override
    public List<Metric> metrics() {
        return List.of(Metric.of("yield+run", "ns"));
    }

    @Override
    public double[] run(Round round) throws Exception {
        return round.task(Thread.ofPlatform().factory(), () -> {
            ContinuationFloor floor = new ContinuationFloor();
            long start = System.nanoTime();
            for (int i = 0; i < switches; i++) {
                floor.switchOnce();
            }
            return new double[] {(double) (System.nanoTime() - start) / switches};
        }).start().join();
    }

    @Override
    public boolean usesScheduler() {
        return false;
    }
}
