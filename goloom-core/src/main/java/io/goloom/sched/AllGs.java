package io.goloom.sched;

import io.goloom.GoroutineState;

import java.util.ArrayList;
import java.util.List;

/**
 * The live goroutines of one runtime (Go's {@code allgs}), for counting, dumps and the report
 * at close. Goroutines are linked intrusively ({@link G#allPrev}/{@link G#allNext}) into one of
 * several stripes, each guarded by its own monitor, so registering a goroutine allocates
 * nothing. The stripe is chosen by id batch: a P hands out ids in aligned batches of
 * {@link P#GOID_BATCH}, so each P adds to its own stripe and two Ps spawning at once do not
 * bounce a stripe's lock and list head between their caches (measured: with stripes by
 * consecutive id, registering and unregistering took 12% of a two-P spawn/exit soak).
 * Any thread.
 */
final class AllGs {

    /** One list and its count; padded so neighbouring stripes' locks do not share a cache line. */
    private static final class Stripe {
        G head;      // guarded by this
        int count;   // guarded by this
        long p1, p2, p3, p4, p5, p6, p7;
    }

    private final Stripe[] stripes;
    private final int mask;

    AllGs(int procs) {
        int n = Integer.highestOneBit(Math.max(16, procs * 4 - 1)) << 1;
        stripes = new Stripe[n];
        for (int i = 0; i < n; i++) {
            stripes[i] = new Stripe();
        }
        mask = n - 1;
    }

    private Stripe stripe(G g) {
        return stripes[(int) ((g.id - 1) / P.GOID_BATCH) & mask];
    }

    void add(G g) {
        Stripe s = stripe(g);
        synchronized (s) {
            G h = s.head;
            g.allNext = h;
            if (h != null) {
                h.allPrev = g;
            }
            s.head = g;
            s.count++;
        }
    }

    void remove(G g) {
        Stripe s = stripe(g);
        synchronized (s) {
            G prev = g.allPrev, next = g.allNext;
            if (prev != null) {
                prev.allNext = next;
            } else {
                s.head = next;
            }
            if (next != null) {
                next.allPrev = prev;
            }
            g.allPrev = g.allNext = null;
            s.count--;
        }
    }

    /** Live goroutines. Each stripe is read under its lock; the sum may mix moments. */
    int size() {
        int n = 0;
        for (Stripe s : stripes) {
            synchronized (s) {
                n += s.count;
            }
        }
        return n;
    }

    boolean isEmpty() {
        return size() == 0;
    }

    /**
     * Live goroutines counted by state ({@code GoroutineState} ordinal), without copying them:
     * each stripe under its lock, each state read racily.
     */
    int[] countByState() {
        int[] counts = new int[GoroutineState.values().length];
        for (Stripe s : stripes) {
            synchronized (s) {
                for (G g = s.head; g != null; g = g.allNext) {
                    counts[g.state().ordinal()]++;
                }
            }
        }
        return counts;
    }

    List<G> snapshot() {
        List<G> all = new ArrayList<>();
        for (Stripe s : stripes) {
            synchronized (s) {
                for (G g = s.head; g != null; g = g.allNext) {
                    all.add(g);
                }
            }
        }
        return all;
    }
}
