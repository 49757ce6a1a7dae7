package io.goloom.sched;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * Property tests of {@link RunQueue} against a {@link ArrayDeque} model: random capacities
 * (powers of two 2..256), random starting indices (including ones about to wrap past
 * {@code Integer.MAX_VALUE}), and random sequences of the owner's operations and of steals
 * between two queues.
 */
class RunQueuePropertiesTest {

    enum Op { OFFER, POLL, FILL, TAKE_HALF }

    enum TwoOp { OFFER_A, OFFER_B, POLL_A, POLL_B, FILL_A, FILL_B, TAKE_HALF_A, TAKE_HALF_B, A_STEALS_FROM_B, B_STEALS_FROM_A }

    @Provide
    Arbitrary<List<Op>> ops() {
        return Arbitraries.frequency(
                Tuple.of(8, Op.OFFER), Tuple.of(5, Op.POLL), Tuple.of(1, Op.FILL), Tuple.of(2, Op.TAKE_HALF))
                .list().ofMaxSize(600);
    }

    @Provide
    Arbitrary<List<TwoOp>> twoOps() {
        return Arbitraries.frequency(
                Tuple.of(6, TwoOp.OFFER_A), Tuple.of(6, TwoOp.OFFER_B), Tuple.of(3, TwoOp.POLL_A),
                Tuple.of(3, TwoOp.POLL_B), Tuple.of(1, TwoOp.FILL_A), Tuple.of(1, TwoOp.FILL_B),
                Tuple.of(1, TwoOp.TAKE_HALF_A), Tuple.of(1, TwoOp.TAKE_HALF_B),
                Tuple.of(3, TwoOp.A_STEALS_FROM_B), Tuple.of(3, TwoOp.B_STEALS_FROM_A))
                .list().ofMaxSize(600);
    }

    /** Where head and tail start: 0, just below the int wrap-around, or anywhere. */
    @Provide
    Arbitrary<Integer> startIndex() {
        return Arbitraries.oneOf(
                Arbitraries.just(0),
                Arbitraries.integers().between(Integer.MAX_VALUE - 600, Integer.MAX_VALUE),
                Arbitraries.integers().between(-600, 0),
                Arbitraries.integers());
    }

    /** A queue whose free-running indices start at {@code start}. */
    static <E> RunQueue<E> queue(int capacity, int start) {
        RunQueue<E> q = new RunQueue<>(capacity);
        q.head = start;
        q.tail = start;
        return q;
    }

    /** The owner's offer/poll/takeHalf sequences behave like a bounded FIFO. */
    @Property(tries = 400)
    void ownerOperationsMatchAFifoModel(@ForAll @IntRange(min = 1, max = 8) int capLog2,
                                        @ForAll("startIndex") int start,
                                        @ForAll("ops") List<Op> ops) {
        int cap = 1 << capLog2;
        RunQueue<Integer> q = queue(cap, start);
        ArrayDeque<Integer> model = new ArrayDeque<>();
        Integer[] batch = new Integer[cap / 2 + 1];
        int next = 0;
        assertEquals(cap, q.capacity());
        for (Op op : ops) {
            switch (op) {
                case OFFER -> next = offer(q, model, cap, next);
                case FILL -> {
                    while (model.size() < cap) {
                        next = offer(q, model, cap, next);
                    }
                    next = offer(q, model, cap, next);   // one more: must be refused
                }
                case POLL -> assertSame(model.pollFirst(), q.poll());
                case TAKE_HALF -> takeHalf(q, model, cap, batch);
            }
            assertEquals(model.size(), q.size());
            assertEquals(model.isEmpty(), q.isEmpty());
        }
        drainAndCompare(q, model);
    }

    /**
     * Two queues with their own owners' operations plus steals between them (the thief is
     * drained first, as stealHalf requires an empty thief): a steal takes ceil(n/2) of the
     * victim's oldest elements, returns the last of them and leaves the rest in the thief in
     * FIFO order.
     */
    @Property(tries = 400)
    void stealsMatchAFifoModel(@ForAll @IntRange(min = 1, max = 8) int capLog2,
                               @ForAll("startIndex") int startA, @ForAll("startIndex") int startB,
                               @ForAll("twoOps") List<TwoOp> ops) {
        int cap = 1 << capLog2;
        RunQueue<Integer> a = queue(cap, startA), b = queue(cap, startB);
        ArrayDeque<Integer> ma = new ArrayDeque<>(), mb = new ArrayDeque<>();
        Integer[] batch = new Integer[cap / 2 + 1];
        int[] next = {0};
        for (TwoOp op : ops) {
            switch (op) {
                case OFFER_A -> next[0] = offer(a, ma, cap, next[0]);
                case OFFER_B -> next[0] = offer(b, mb, cap, next[0]);
                case POLL_A -> assertSame(ma.pollFirst(), a.poll());
                case POLL_B -> assertSame(mb.pollFirst(), b.poll());
                case FILL_A -> {
                    while (ma.size() < cap) {
                        next[0] = offer(a, ma, cap, next[0]);
                    }
                }
                case FILL_B -> {
                    while (mb.size() < cap) {
                        next[0] = offer(b, mb, cap, next[0]);
                    }
                }
                case TAKE_HALF_A -> takeHalf(a, ma, cap, batch);
                case TAKE_HALF_B -> takeHalf(b, mb, cap, batch);
                case A_STEALS_FROM_B -> steal(a, ma, b, mb);
                case B_STEALS_FROM_A -> steal(b, mb, a, ma);
            }
            assertEquals(ma.size(), a.size());
            assertEquals(mb.size(), b.size());
            assertEquals(ma.isEmpty(), a.isEmpty());
            assertEquals(mb.isEmpty(), b.isEmpty());
        }
        drainAndCompare(a, ma);
        drainAndCompare(b, mb);
    }

    /** Stealing from an empty victim returns null and changes nothing. */
    @Property(tries = 50)
    void stealFromEmptyVictimReturnsNull(@ForAll @IntRange(min = 1, max = 8) int capLog2, @ForAll("startIndex") int start) {
        int cap = 1 << capLog2;
        RunQueue<Integer> thief = queue(cap, start), victim = queue(cap, start + 7);
        assertNull(thief.stealHalf(victim));
        assertEquals(0, thief.size());
        assertEquals(0, victim.size());
        assertEquals(true, thief.isEmpty());
    }

    private static int offer(RunQueue<Integer> q, ArrayDeque<Integer> model, int cap, int next) {
        Integer e = next;    // a distinct object each time (values above the Integer cache are new boxes)
        boolean accepted = q.offer(e);
        assertEquals(model.size() < cap, accepted, "offer at size " + model.size() + " of " + cap);
        if (accepted) {
            model.addLast(e);
        }
        return next + 1;
    }

    private static void takeHalf(RunQueue<Integer> q, ArrayDeque<Integer> model, int cap, Integer[] batch) {
        java.util.Arrays.fill(batch, null);
        int n = q.takeHalf(batch);
        if (model.size() == cap) {
            assertEquals(cap / 2, n, "takeHalf of a full queue");
            for (int i = 0; i < n; i++) {
                assertSame(model.pollFirst(), batch[i], "takeHalf batch[" + i + "]");
            }
        } else {
            assertEquals(0, n, "takeHalf of a queue that is not full moves nothing");
        }
        for (int i = n; i < batch.length; i++) {
            assertNull(batch[i], "takeHalf wrote past its count at " + i);
        }
    }

    private static void steal(RunQueue<Integer> thief, ArrayDeque<Integer> mThief,
                              RunQueue<Integer> victim, ArrayDeque<Integer> mVictim) {
        drainAndCompare(thief, mThief);
        int n = mVictim.size();
        Integer got = thief.stealHalf(victim);
        if (n == 0) {
            assertNull(got);
            assertEquals(0, thief.size());
            return;
        }
        int k = n - n / 2;
        List<Integer> taken = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            taken.add(mVictim.pollFirst());
        }
        assertSame(taken.get(k - 1), got, "stealHalf returns the last (newest) of the " + k + " stolen");
        mThief.addAll(taken.subList(0, k - 1));
        assertEquals(k - 1, thief.size(), "stolen elements queued in the thief");
        assertEquals(mVictim.size(), victim.size());
    }

    private static void drainAndCompare(RunQueue<Integer> q, ArrayDeque<Integer> model) {
        while (!model.isEmpty()) {
            assertSame(model.pollFirst(), q.poll());
        }
        assertNull(q.poll());
        assertEquals(0, q.size());
        assertEquals(true, q.isEmpty());
    }
}
