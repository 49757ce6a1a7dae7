package io.goloom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-P schedule-latency histogram: its buckets, its percentiles, and what a runtime records in it. */
class LatencyHistogramTest {

    /** Every value lands in a bucket whose bounds hold it, and a bucket is at most 1/8 of its lower bound wide. */
    @Test
    void bucketsHoldTheirValuesWithinAnEighth() {
        SplittableRandom r = new SplittableRandom(6);
        for (int k = 0; k < 200_000; k++) {
            long v = r.nextLong(1L << r.nextInt(1, 40));
            int b = LatencyHistogram.bucketOf(v);
            assertTrue(LatencyHistogram.lowerBound(b) <= v && v <= LatencyHistogram.upperBound(b), () -> v + " in " + b);
        }
        for (int b = 0; b < LatencyHistogram.BUCKETS - 1; b++) {
            long lo = LatencyHistogram.lowerBound(b), hi = LatencyHistogram.upperBound(b);
            assertEquals(b, LatencyHistogram.bucketOf(lo));
            assertEquals(b, LatencyHistogram.bucketOf(hi));
            assertTrue(hi - lo + 1 <= Math.max(1, lo / 8), () -> "bucket " + lo + ".." + hi);
        }
        assertEquals(LatencyHistogram.BUCKETS - 1, LatencyHistogram.bucketOf(Long.MAX_VALUE));
        assertEquals(0, LatencyHistogram.bucketOf(-5));
    }

    /** Percentiles are the upper bounds of the buckets holding them; minus and sum work per bucket. */
    @Test
    void percentilesMinusAndSum() {
        long[] c = new long[LatencyHistogram.BUCKETS];
        c[LatencyHistogram.bucketOf(1_000)] = 98;        // 98 samples of ~1 µs
        c[LatencyHistogram.bucketOf(5_000_000)] = 2;     // 2 of ~5 ms
        LatencyHistogram h = new LatencyHistogram(0, c);
        assertEquals(100, h.count());
        assertEquals(LatencyHistogram.upperBound(LatencyHistogram.bucketOf(1_000)), h.percentile(0.5));
        assertEquals(LatencyHistogram.upperBound(LatencyHistogram.bucketOf(1_000)), h.percentile(0.98));
        assertEquals(LatencyHistogram.upperBound(LatencyHistogram.bucketOf(5_000_000)), h.percentile(0.99));
        assertEquals(0, new LatencyHistogram(0, new long[LatencyHistogram.BUCKETS]).percentile(0.99));
        LatencyHistogram twice = LatencyHistogram.sum(List.of(h, h));
        assertEquals(200, twice.count());
        assertEquals(h.count(), twice.minus(h).count());
        assertEquals(h.percentile(0.99), twice.minus(h).percentile(0.99));
    }

    /**
     * Three goroutines on one P each compute 4 ms and yield, 16 times: every run waited for the
     * other two (~8 ms, the injected delay). The sampled runs (one in 8) are all in the
     * histogram, so its count moves with the load and its p50 and p99 are about 8 ms.
     */
    @Test
    @Timeout(60)
    void injectedDelayShowsInTheRightBucket() throws Exception {
        long spinNanos = 4_000_000;
        int goroutines = 3, rounds = 16;
        try (GoRuntime rt = GoRuntime.builder().name(TestSupport.uniqueName("latency-hist")).procs(1)
                .preemptAfter(Duration.ofHours(1)).retakeAfter(Duration.ofHours(1)).build()) {
            LatencyHistogram before = rt.scheduleLatency().getFirst();
            List<GoHandle> hs = new ArrayList<>();
            for (int i = 0; i < goroutines; i++) {
                hs.add(rt.go(() -> {
                    for (int k = 0; k < rounds; k++) {
                        for (long t0 = System.nanoTime(); System.nanoTime() - t0 < spinNanos; ) {
                            Thread.onSpinWait();
                        }
                        Go.yield();
                    }
                }));
            }
            for (GoHandle h : hs) {
                assertTrue(h.join(Duration.ofSeconds(30)));
            }
            LatencyHistogram run = rt.scheduleLatency().getFirst().minus(before);
            assertEquals(0, run.p());
            long sampled = rt.procStats().getFirst().latencySamples();
            assertTrue(run.count() >= goroutines * rounds / 8 && run.count() <= sampled,
                    () -> run + ", " + sampled + " samples in ProcStats");
            // Waiting behind two 4 ms runs: 8 ms, less what the clock loses to the yield, more
            // what a loaded machine adds; the buckets around 8 ms are 0.5 to 1 ms wide.
            long expected = (goroutines - 1) * spinNanos;
            long p50 = run.percentile(0.5), p99 = run.percentile(0.99);
            assertTrue(p50 >= expected * 9 / 10 && p50 <= expected * 4, () -> "p50 " + p50 + ": " + run);
            assertTrue(p99 >= expected * 9 / 10 && p99 <= expected * 10, () -> "p99 " + p99 + ": " + run);
        }
    }

    /**
     * Goroutines that run once, as request goroutines do: one in eight is sampled, from its first
     * run. They are started from outside the runtime while its only P is busy for 20 ms, so each
     * sampled one waited at least until that goroutine's run ended; sampled from the 8th run on
     * (the old rule) none of them would be in the histogram at all.
     */
    @Test
    @Timeout(60)
    void shortLivedGoroutinesAreSampledFromTheirFirstRun() throws Exception {
        int count = 4_000;
        long busyNanos = 20_000_000;
        try (GoRuntime rt = GoRuntime.builder().name(TestSupport.uniqueName("latency-first")).procs(1)
                .preemptAfter(Duration.ofHours(1)).retakeAfter(Duration.ofHours(1)).build()) {
            CountDownLatch busy = new CountDownLatch(1);
            GoHandle hog = rt.go(() -> {
                busy.countDown();
                for (long t0 = System.nanoTime(); System.nanoTime() - t0 < busyNanos; ) {
                    Thread.onSpinWait();
                }
            });
            busy.await();
            LatencyHistogram before = rt.scheduleLatency().getFirst();
            long startedBy = System.nanoTime();
            List<GoHandle> once = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                once.add(rt.go(() -> { }));
            }
            long startedIn = System.nanoTime() - startedBy;
            assertTrue(hog.join(Duration.ofSeconds(30)));
            for (GoHandle h : once) {
                assertTrue(h.join(Duration.ofSeconds(30)));
            }
            LatencyHistogram run = rt.scheduleLatency().getFirst().minus(before);
            assertTrue(run.count() >= count / 8 * 3 / 4 && run.count() <= count / 8 * 5 / 4,
                    () -> "about " + count / 8 + " first runs sampled: " + run);
            if (startedIn < busyNanos / 2) {
                // All started while the hog still ran for at least 10 ms: so waited that long.
                long p50 = run.percentile(0.5);
                assertTrue(p50 >= busyNanos / 2 - startedIn, () -> "p50 " + p50 + " ns: " + run);
            }
        }
    }
}
