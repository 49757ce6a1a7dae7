package io.goloom.bench.http;

import java.time.Duration;
import java.util.Arrays;

/**
 * The handler's CPU work: a chain of 64-bit mixes (murmur3's finalizer step), each depending on
 * the last, so the JIT can neither vectorise nor fold it, and the caller consumes the result.
 * The iteration count for a target duration is calibrated once, in the bench JVM, and passed to
 * both server children: goloom and the JDK do exactly the same work per request.
 */
final class Work {

    private static final int CALIBRATION_ITERATIONS = 200_000, TRIALS = 21;

    private Work() {
    }

    /** {@code iterations} dependent mixes of {@code seed}. */
    static long spin(int iterations, long seed) {
        long x = seed | 1;
        for (int i = 0; i < iterations; i++) {
            x ^= x >>> 33;
            x *= 0xff51afd7ed558ccdL;
        }
        return x;
    }

    /**
     * The iterations of {@link #spin} that take {@code target} on this machine: the loop is
     * compiled first, then timed {@value #TRIALS} times; the median trial decides.
     */
    static int calibrate(Duration target) {
        long sink = 0;
        for (int i = 0; i < 200; i++) {
            sink += spin(10_000, i);
        }
        long[] nanos = new long[TRIALS];
        for (int t = 0; t < TRIALS; t++) {
            long start = System.nanoTime();
            sink += spin(CALIBRATION_ITERATIONS, t);
            nanos[t] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        double perIteration = nanos[TRIALS / 2] / (double) CALIBRATION_ITERATIONS;
        if (sink == 42) {
            System.out.print("");  // consumes sink: the warm-up loops must not be dropped
        }
        return (int) Math.max(1, Math.round(target.toNanos() / perIteration));
    }
}
