package io.goloom.sched;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A P's local run queue: a bounded ring with one producer and many consumers, Go's
 * {@code runq}/{@code runqput}/{@code runqget}/{@code runqgrab}.
 *
 * <h2>Who may call what</h2>
 * <ul>
 *   <li>{@link #offer}, {@link #poll}, {@link #takeHalf} and {@link #stealHalf}: only the
 *       <b>owner</b>, the thread that currently holds the P (one at a time; a hand-off of the P
 *       to another thread must happen-before the new owner's first call).
 *   <li>{@link #size}, {@link #isEmpty}: any thread; the answer may be stale.
 *   <li>A thief calls {@code thief.stealHalf(victim)} on <em>its own</em> queue; the victim's
 *       owner keeps running concurrently.
 * </ul>
 *
 * <h2>How it works</h2>
 * The owner writes slots at {@code tail} and publishes them with a release store of
 * {@code tail}. Everybody consumes from {@code head}: the owner takes one element, a thief
 * takes half ({@code n - n/2} of {@code n}) by copying them into its own ring and then
 * claiming them with one CAS of the victim's {@code head}. A thief whose CAS fails copied
 * elements that somebody else took; it discards the copy and retries. So an element is taken
 * exactly once, by whoever wins the CAS that moves {@code head} past it.
 *
 * <p>Indices are free-running {@code int}s; {@code tail - head} is the size even after they
 * wrap past {@code Integer.MAX_VALUE}, and the slot is {@code index & mask}.
 *
 * <p><b>Slots and stale copies.</b> A thief reads slots with plain loads after an acquire load
 * of {@code tail}, which sees every slot the owner published before it. The owner may overwrite
 * a slot as soon as {@code head} has moved past it; a thief reading such a slot is one whose CAS
 * will fail (race: the stale or new value it copied is thrown away). The owner clears a slot
 * after it has taken the element itself, so a finished goroutine is not kept reachable by the
 * queue; slots emptied by thieves are left for the owner to overwrite (at most one ring's worth
 * of stale references per queue).
 *
 * <h2>Memory placement</h2>
 * {@code head} is written by every consumer, {@code tail} only by the owner; they sit in
 * different padded superclasses so that a thief's CAS does not invalidate the line the owner
 * writes on every push. Re-check the layout (JOL) if fields are added.
 *
 * @param <E> the element type (goroutines, or plain values in tests)
 */
final class RunQueue<E> extends RunQueueTail {

    private static final VarHandle HEAD, TAIL;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(RunQueueHead.class, "head", int.class);
            TAIL = l.findVarHandle(RunQueueTail.class, "tail", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // Written by the owner only (plain stores before the release of tail); read by thieves
    // with plain loads after an acquire of tail. Final array reference.
    private final Object[] ring;
    private final int mask;
    /** Elements the owner's last {@link #stealHalf} took (the one returned included). Owner-only. */
    private int lastStolen;

    /**
     * @param capacity a power of two, at least 2
     */
    RunQueue(int capacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two >= 2, was " + capacity);
        }
        this.ring = new Object[capacity];
        this.mask = capacity - 1;
    }

    int capacity() {
        return ring.length;
    }

    /** Elements in the queue. Any thread; may be stale, never negative or above capacity. */
    int size() {
        for (;;) {
            int h = (int) HEAD.getAcquire(this);
            int t = (int) TAIL.getAcquire(this);
            int n = t - h;
            // race: head read before tail, so n >= 0 unless head moved twice meanwhile; retry then.
            if (n >= 0 && n <= ring.length) {
                return n;
            }
        }
    }

    /** True when there is nothing to take. Any thread; may be stale. */
    boolean isEmpty() {
        int h = (int) HEAD.getAcquire(this);   // head first: it only grows, so t - h never undercounts
        int t = (int) TAIL.getAcquire(this);
        return t - h <= 0;
    }

    /**
     * Appends {@code e} at the tail. Owner only.
     *
     * @return false, leaving the queue unchanged, when it is full
     */
    boolean offer(E e) {
        int h = (int) HEAD.getAcquire(this); // acquire: slots below h are free (pairs with consumers' CAS)
        int t = tail;                          // owner's own field: plain read
        if (t - h >= ring.length) {
            return false;
        }
        ring[t & mask] = e;
        TAIL.setRelease(this, t + 1);          // publishes the slot to thieves (pairs with getAcquire in stealHalf)
        return true;
    }

    /** Removes and returns the head element, or null when empty. Owner only. */
    @SuppressWarnings("unchecked")
    E poll() {
        for (;;) {
            int h = (int) HEAD.getAcquire(this);
            int t = tail;
            if (t == h) {
                return null;
            }
            Object e = ring[h & mask];
            if (HEAD.compareAndSet(this, h, h + 1)) {
                ring[h & mask] = null;         // ours now; only the owner writes slots
                return (E) e;
            }
            // a thief took it; retry
        }
    }

    /**
     * For overflow (Go's {@code runqputslow}): when the queue is full, removes the oldest half
     * into {@code batch[0 .. capacity/2)} in FIFO order and returns how many were moved. Owner
     * only. Returns 0, moving nothing, when the queue is no longer full (a thief took some), in
     * which case the caller retries {@link #offer}.
     */
    @SuppressWarnings("unchecked")
    int takeHalf(E[] batch) {
        int h = (int) HEAD.getAcquire(this);
        int t = tail;
        int n = (t - h) / 2;
        if (n != ring.length / 2) {
            return 0;
        }
        if (!HEAD.compareAndSet(this, h, h + n)) {
            return 0;
        }
        // The CAS made slots [h, h+n) ours; only the owner writes slots, so they are stable.
        for (int i = 0; i < n; i++) {
            int idx = (h + i) & mask;
            batch[i] = (E) ring[idx];
            ring[idx] = null;
        }
        return n;
    }

    /**
     * Steals half of {@code victim}'s elements (rounded up) into this queue and returns one of
     * them to run now, or null when the victim had none. Owner of <em>this</em> queue only,
     * only while this queue is empty, and {@code victim} has the same capacity (Go's
     * {@code runqsteal}).
     */
    @SuppressWarnings("unchecked")
    E stealHalf(RunQueue<E> victim) {
        int t = tail;
        // Empty, so nobody else reads our slots from t on, and half a victim always fits.
        if ((int) HEAD.getAcquire(this) != t) {
            throw new IllegalStateException("runqsteal: the thief's run queue is not empty");
        }
        int n = victim.grabInto(ring, mask, t);
        lastStolen = n;
        if (n == 0) {
            return null;
        }
        n--;
        int last = (t + n) & mask;
        E e = (E) ring[last];
        ring[last] = null;
        if (n > 0) {
            TAIL.setRelease(this, t + n);      // publish the stolen elements (pairs with thieves' getAcquire)
        }
        return e;
    }

    /** How many elements the last {@link #stealHalf} took, the returned one included. Owner only. */
    int lastStolen() {
        return lastStolen;
    }

    /**
     * Copies half of this queue's elements into {@code dst} starting at index {@code dstTail}
     * and claims them with a CAS of head. Called by a thief on the victim; any thread.
     *
     * @return how many elements were claimed
     */
    private int grabInto(Object[] dst, int dstMask, int dstTail) {
        for (;;) {
            int h = (int) HEAD.getAcquire(this);   // acquire: pairs with other consumers' CAS
            int t = (int) TAIL.getAcquire(this);   // acquire: the owner's slot writes below t are visible
            int n = t - h;
            n = n - n / 2;
            if (n <= 0) {
                return 0;
            }
            if (n > ring.length / 2) {
                continue;                          // h and t read at different times; inconsistent, retry
            }
            for (int i = 0; i < n; i++) {
                dst[(dstTail + i) & dstMask] = ring[(h + i) & mask]; // race: validated by the CAS below
            }
            if (HEAD.compareAndSet(this, h, h + n)) {
                return n;
            }
        }
    }

    /**
     * Removes every element, oldest first, handing each to {@code sink}. Owner only, or any
     * thread once no other thread uses the queue (shutdown).
     */
    void drain(java.util.function.Consumer<? super E> sink) {
        for (E e; (e = poll()) != null; ) {
            sink.accept(e);
        }
    }
}

/** Padding before {@code head}. */
abstract class RunQueuePad0 {
    long p00, p01, p02, p03, p04, p05, p06, p07;
    long p10, p11, p12, p13, p14, p15, p16, p17;
}

/** The consumers' index: CAS by the owner (poll, takeHalf) and by thieves. */
abstract class RunQueueHead extends RunQueuePad0 {
    volatile int head;
}

/** Padding between {@code head} and {@code tail}. */
abstract class RunQueuePad1 extends RunQueueHead {
    long p20, p21, p22, p23, p24, p25, p26, p27;
    long p30, p31, p32, p33, p34, p35, p36, p37;
}

/** The producer's index: written by the owner only (setRelease); read by thieves (getAcquire). */
abstract class RunQueueTail extends RunQueuePad1 {
    int tail;
    long p40, p41, p42, p43, p44, p45, p46, p47;
    long p50, p51, p52, p53, p54, p55, p56, p57;
}
