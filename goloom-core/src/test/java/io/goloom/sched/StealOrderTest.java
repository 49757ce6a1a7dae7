package io.goloom.sched;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Go's TestStealOrder: every enumeration visits every P exactly once, for procs 1..64. */
class StealOrderTest {

    /** For procs 1..64 and many seeds (small, random, negative), the walk M.stealWork does visits each P once. */
    @Test
    void everyPVisitedExactlyOnceForEverySeed() {
        SplittableRandom rnd = new SplittableRandom(42);
        for (int procs = 1; procs <= 64; procs++) {
            StealOrder order = new StealOrder(procs);
            Set<Integer> increments = new HashSet<>();
            for (int i = 0; i < procs * procs + 2_000; i++) {
                int seed = i < procs * procs ? i : i < procs * procs + 1_000 ? rnd.nextInt() : (i << 16) ^ -i;
                int pos = order.start(seed), inc = order.increment(seed);
                if (pos < 0 || pos >= procs) {
                    fail("start(" + seed + ") = " + pos + " for procs " + procs);
                }
                if (inc < 1 || inc > procs || gcd(inc, procs) != 1) {
                    fail("increment(" + seed + ") = " + inc + " is not coprime with procs " + procs);
                }
                increments.add(inc);
                boolean[] seen = new boolean[procs];
                for (int k = 0; k < procs; k++, pos = (pos + inc) % procs) {
                    if (seen[pos]) {
                        fail("procs " + procs + " seed " + seed + ": P" + pos + " visited twice");
                    }
                    seen[pos] = true;
                }
                for (int p = 0; p < procs; p++) {
                    assertTrue(seen[p], "procs " + procs + " seed " + seed + ": P" + p + " never visited");
                }
            }
            if (procs >= 3) {
                assertTrue(increments.size() >= 2, "too few coprimes used for procs " + procs + ": " + increments);
            }
        }
    }

    /** Every coprime increment is reachable, so the walks differ between thieves. */
    @Test
    void everyCoprimeIncrementIsUsed() {
        for (int procs = 1; procs <= 64; procs++) {
            StealOrder order = new StealOrder(procs);
            Set<Integer> used = new HashSet<>(), coprimes = new HashSet<>();
            for (int i = 1; i <= procs; i++) {
                if (gcd(i, procs) == 1) {
                    coprimes.add(i);
                }
            }
            for (int hi = 0; hi < 4 * procs; hi++) {
                used.add(order.increment(hi << 16));
            }
            assertEquals(coprimes, used, "procs " + procs);
        }
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
