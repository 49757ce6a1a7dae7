package io.goloom.bench.workload;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs several implementations of one workload within a round, each from a collected heap, in
 * an order that rotates from round to round. Run in a fixed order, the first would always follow
 * the other side's round and the last always follow two of its rivals. (Run first in every
 * round, goloom's {@code Chan} cost 1.04–2.0× {@code ArrayBlockingQueue} on goloom; alternating
 * with it in a standalone check, 0.70–1.27×; rotated here, 0.90–1.03×.)
 */
final class Rotation {

    /** Rounds started so far, shared by both sides: the first implementation of the next round. Any thread. */
    private final AtomicInteger rounds = new AtomicInteger();

    /**
     * Calls every one of {@code implementations}, starting with a different one each round.
     *
     * @return their results, in {@code implementations} order
     */
    double[] run(List<Callable<Double>> implementations) throws Exception {
        int n = implementations.size();
        int first = rounds.getAndIncrement() % n;
        double[] values = new double[n];
        for (int k = 0; k < n; k++) {
            if (k > 0) {
                System.gc();     // the harness collects before each round; do the same before each implementation
            }
            int i = (first + k) % n;
            values[i] = implementations.get(i).call();
        }
        return values;
    }
}
