package io.goloom;

import java.util.Arrays;
import java.util.List;

/**
 * A snapshot of one P's schedule-latency histogram (ready to running, the sampled runs of
 * {@link ProcStats#latencySamples()}), or of a sum of them: counts in log-linear buckets, 8 per
 * power of two, so a bucket is at most 1/8 of its lower bound wide (12.5% resolution) from 8 ns
 * to {@value #MAX_TRACKED_NANOS} ns (about 9 minutes); values below 8 ns have a bucket each,
 * longer ones count in the last bucket. Each P keeps its own counts, written by its owner with
 * no shared write, and a snapshot reads them racily: counts taken while runs are recorded may
 * be off by the runs in flight.
 *
 * <pre>{@code
 * for (LatencyHistogram h : rt.scheduleLatency()) {
 *     System.out.printf("P%d: %d samples, p50 %d ns, p99 %d ns%n", h.p(), h.count(),
 *             h.percentile(0.50), h.percentile(0.99));
 * }
 * LatencyHistogram lastMinute = LatencyHistogram.sum(now).minus(LatencyHistogram.sum(aMinuteAgo));
 * }</pre>
 */
public final class LatencyHistogram {

    /** Buckets per power of two: 2^3. */
    private static final int SUB_BITS = 3, SUB = 1 << SUB_BITS;
    /** The largest value with a bucket of its own; longer latencies count in the last bucket. */
    public static final long MAX_TRACKED_NANOS = (1L << 39) - 1;
    /** Buckets: one per value below 8, then 8 per power of two up to 2^39. */
    public static final int BUCKETS = bucketOf(MAX_TRACKED_NANOS) + 1;

    private final int p;
    private final long[] counts;
    private final long count;

    /**
     * A snapshot of {@code counts} (copied) for P {@code p}, or -1 for a sum of Ps.
     *
     * @throws IllegalArgumentException if {@code counts} does not have {@link #BUCKETS} entries
     */
    public LatencyHistogram(int p, long[] counts) {
        if (counts.length != BUCKETS) {
            throw new IllegalArgumentException("counts must have " + BUCKETS + " buckets, had " + counts.length);
        }
        this.p = p;
        this.counts = counts.clone();
        long n = 0;
        for (long c : this.counts) {
            n += c;
        }
        this.count = n;
    }

    /** The bucket {@code nanos} counts in (negative values in bucket 0). */
    public static int bucketOf(long nanos) {
        if (nanos < SUB) {
            return (int) Math.max(nanos, 0);
        }
        long v = Math.min(nanos, MAX_TRACKED_NANOS);
        int exp = 63 - Long.numberOfLeadingZeros(v);   // >= SUB_BITS
        int sub = (int) (v >>> (exp - SUB_BITS)) & (SUB - 1);
        return (exp - SUB_BITS + 1) * SUB + sub;
    }

    /** The smallest value of bucket {@code i}. */
    public static long lowerBound(int i) {
        if (i < SUB) {
            return i;
        }
        int exp = i / SUB + SUB_BITS - 1;
        return (1L << exp) + ((long) (i % SUB) << (exp - SUB_BITS));
    }

    /** The largest value of bucket {@code i}. */
    public static long upperBound(int i) {
        return i == BUCKETS - 1 ? Long.MAX_VALUE : lowerBound(i + 1) - 1;
    }

    /** The P, or -1 for a sum. */
    public int p() {
        return p;
    }

    /** Samples counted. */
    public long count() {
        return count;
    }

    /** Samples in bucket {@code i}. */
    public long bucketCount(int i) {
        return counts[i];
    }

    /**
     * The {@code q}-quantile ({@code 0.99}: p99) in nanoseconds, as the upper bound of the bucket
     * holding it (at most 12.5% above the true value), capped at {@link #MAX_TRACKED_NANOS}; 0
     * when there are no samples.
     *
     * @throws IllegalArgumentException unless {@code 0 <= q <= 1}
     */
    public long percentile(double q) {
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("q must be in [0, 1], was " + q);
        }
        if (count == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(q * count));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(upperBound(i), MAX_TRACKED_NANOS);
            }
        }
        return MAX_TRACKED_NANOS;   // racy snapshots only
    }

    /** The samples of this histogram that {@code earlier} (an older snapshot of the same P or sum) had not. */
    public LatencyHistogram minus(LatencyHistogram earlier) {
        long[] d = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            d[i] = Math.max(0, counts[i] - earlier.counts[i]);
        }
        return new LatencyHistogram(p, d);
    }

    /** All Ps' samples together (p = -1). */
    public static LatencyHistogram sum(List<LatencyHistogram> histograms) {
        long[] d = new long[BUCKETS];
        for (LatencyHistogram h : histograms) {
            for (int i = 0; i < BUCKETS; i++) {
                d[i] += h.counts[i];
            }
        }
        return new LatencyHistogram(-1, d);
    }

    @Override
    public String toString() {
        return "LatencyHistogram[p=" + p + ", count=" + count + (count == 0 ? "" : ", p50=" + percentile(0.5)
                + " ns, p99=" + percentile(0.99) + " ns, max<=" + percentile(1) + " ns") + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LatencyHistogram h && h.p == p && Arrays.equals(h.counts, counts);
    }

    @Override
    public int hashCode() {
        return 31 * p + Arrays.hashCode(counts);
    }
}
