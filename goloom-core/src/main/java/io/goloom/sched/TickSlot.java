package io.goloom.sched;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * Where the fires of a {@code GoTimer} or {@code GoTicker} go: one slot, like Go's
 * one-element timer channel. A fire that finds a live tick waiting is dropped (a ticker whose
 * receiver is slow skips ticks); a tick of an arming that a stop or reset has ended is stale,
 * and is neither kept nor received (Go 1.23: no stale values after Stop or Reset).
 *
 * <p>Lock-free, because a fire runs on a scheduler thread and must not block: the slot and
 * the staleness floor change by CAS, and waiters park. No lost wake-up: a waiter enqueues
 * itself, then looks at the slot; a fire fills the slot, then unparks every waiter.
 */
final class TickSlot {

    /** What {@link #poll} returns when no tick waits. A real due time never is (nanoTime). */
    static final long NONE = Long.MIN_VALUE;

    private static final VarHandle TICK, MIN_SEQ;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            TICK = l.findVarHandle(TickSlot.class, "tick", Tick.class);
            MIN_SEQ = l.findVarHandle(TickSlot.class, "minSeq", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A fire: when it was due, and the arming (timer seq) it ends. */
    private record Tick(long when, long seq) {
    }

    /** The tick waiting to be received, or null. CAS. */
    private volatile Tick tick;
    /** Ticks of armings below this are stale. Only grows (CAS). */
    private volatile long minSeq;
    /** Threads in {@link #take}; they race for the tick when woken. */
    private final ConcurrentLinkedQueue<Thread> waiters = new ConcurrentLinkedQueue<>();

    /** A fire of arming {@code seq}, due at {@code when}. Never blocks. */
    void offer(long when, long seq) {
        Tick t = new Tick(when, seq);
        for (;;) {
            if (seq < minSeq) {
                return;
            }
            Tick cur = tick;
            if (cur != null && cur.seq() >= minSeq) {
                return;   // a live tick waits: drop this one
            }
            if (TICK.compareAndSet(this, cur, t)) {
                break;
            }
        }
        if (seq < minSeq) {
            TICK.compareAndSet(this, t, null);   // a stop or reset raced with us: take it back
            return;
        }
        for (Thread w : waiters) {
            LockSupport.unpark(w);
        }
    }

    /** Makes the ticks of armings before {@code seq} stale, and drops one if it waits. */
    void dropBefore(long seq) {
        for (long cur; (cur = minSeq) < seq; ) {
            if (MIN_SEQ.compareAndSet(this, cur, seq)) {
                break;
            }
        }
        Tick t = tick;
        if (t != null && t.seq() < seq) {
            TICK.compareAndSet(this, t, null);
        }
    }

    /** Takes the live tick waiting, without blocking; {@link #NONE} if there is none. */
    long poll() {
        for (Tick t; (t = tick) != null; ) {
            if (TICK.compareAndSet(this, t, null) && t.seq() >= minSeq) {
                return t.when();
            }
        }
        return NONE;
    }

    /** Waits for a live tick and takes it. */
    long take() throws InterruptedException {
        long when = poll();
        if (when != NONE) {
            return when;
        }
        Thread me = Thread.currentThread();
        waiters.add(me);
        try {
            for (;;) {
                when = poll();
                if (when != NONE) {
                    return when;
                }
                LockSupport.park(this);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        } finally {
            waiters.remove(me);
        }
    }
}
