package io.goloom.sched;

/**
 * Random enumeration of all Ps for stealing (Go's {@code randomOrder}): start at a random
 * position and step by a random increment coprime with the number of Ps, so every P is
 * visited exactly once per round and thieves do not all start at the same victim.
 * Immutable; any thread.
 */
final class StealOrder {

    private final int count;
    private final int[] coprimes;

    StealOrder(int count) {
        this.count = count;
        int[] c = new int[count];
        int n = 0;
        for (int i = 1; i <= count; i++) {
            if (gcd(i, count) == 1) {
                c[n++] = i;
            }
        }
        this.coprimes = java.util.Arrays.copyOf(c, n);
    }

    /** The first position of an enumeration seeded by {@code r}. */
    int start(int r) {
        return Integer.remainderUnsigned(r, count);
    }

    /** The step of an enumeration seeded by {@code r}: coprime with the number of Ps. */
    int increment(int r) {
        return coprimes[Integer.remainderUnsigned(r >>> 16, coprimes.length)];
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
