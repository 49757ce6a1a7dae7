package io.goloom.sched;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * A timer on a P's {@link TimerHeap} (Go's {@code runtime.timer}): what {@code Go.sleep},
 * {@code GoTimer} and {@code GoTicker} are made of.
 *
 * <h2>State</h2>
 * One word, changed only by CAS, so that every arming of a timer ends exactly once: it fires,
 * or a stop or reset ends it first.
 * <pre>
 *   state = seq << 18 | heap << 2 | ARMED or IDLE
 *
 *   IDLE(s)       -> ARMED(s+1, h)  // arm: a new entry (when, this, s+1) goes on heap h
 *   ARMED(s, h)   -> ARMED(s+1, h') // reset while armed: the entry s becomes a zombie
 *   ARMED(s, h)   -> IDLE(s)        // stop (the entry becomes a zombie), or fire of entry s
 *   ARMED(s, h)   -> ARMED(s+1, h)  // fire of a ticker's entry s, which re-arms it on h
 * </pre>
 * A heap holds entries, not timers: an entry whose seq no longer matches the state is a zombie,
 * dropped when it reaches the top, or swept out when zombies pass a quarter of the heap (Go
 * 1.23's {@code timers.zombies} rule). Stop and reset therefore never take a heap's lock,
 * and a timer reset from another P moves to the resetter's P, as in Go. The heap id in the
 * state names the heap holding the live entry, so a stop counts its zombie on the right heap.
 *
 * <h2>What a fire does</h2>
 * It runs on the thread that runs the heap (an M in its schedule loop, a spinning M, sysmon,
 * or the after-close timer thread), so it must not block: {@link #SLEEP} unparks the sleeping
 * goroutine, {@link #SIGNAL} offers a tick to a one-slot queue (dropped when full, like Go's
 * timer channel), {@link #FUNC} starts a goroutine.
 */
public final class Timer {

    /** What a fire does; see the class comment. */
    static final int SLEEP = 0, SIGNAL = 1, FUNC = 2;

    static final int ST_IDLE = 0, ST_ARMED = 1;
    private static final int HEAP_SHIFT = 2, SEQ_SHIFT = 18;
    private static final long HEAP_MASK = 0xFFFF;

    /** Longest delay, so that {@code now + delay} cannot overflow nanoTime arithmetic (~73 years). */
    public static final long MAX_DELAY_NANOS = Long.MAX_VALUE >> 2;

    private static final VarHandle STATE, MIN_TICK_SEQ;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Timer.class, "state", long.class);
            MIN_TICK_SEQ = MethodHandles.lookup().findVarHandle(Timer.class, "minTickSeq", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A tick of a {@link #SIGNAL} timer: the time it was due (nanoTime) and the arming it ends. */
    private record Tick(long when, long seq) {
    }

    final Scheduler sched;
    private final int kind;
    /** The sleeping thread, the tick queue, or the function; see {@link #kind}. */
    private final Object target;
    /** Ticker period in nanos, 0 for a one-shot timer. Volatile: reset may change it while the heap runs. */
    private volatile long period;
    /** See "State". CAS only. */
    private volatile long state;
    /**
     * Ticks of armings before this seq are stale: stop and reset raise it so that a tick
     * offered by a fire that raced with them is dropped by the receiver (Go 1.23: no stale
     * values after Stop or Reset). Only grows (CAS).
     */
    private volatile long minTickSeq;

    private Timer(Scheduler sched, int kind, Object target, long period) {
        this.sched = sched;
        this.kind = kind;
        this.target = target;
        this.period = period;
    }

    /** A timer that unparks {@code sleeper} once. */
    static Timer sleeper(Scheduler sched, Thread sleeper) {
        return new Timer(sched, SLEEP, sleeper, 0);
    }

    /** A timer (or a ticker, with {@code periodNanos > 0}) whose fires go to {@link #awaitTick}. */
    public static Timer signal(Scheduler sched, long periodNanos) {
        return new Timer(sched, SIGNAL, new ArrayBlockingQueue<Tick>(1), periodNanos);
    }

    /** A timer that runs {@code f} in a new goroutine when it fires. */
    public static Timer func(Scheduler sched, Runnable f) {
        return new Timer(sched, FUNC, f, 0);
    }

    // ---- state word ----

    private static long pack(long seq, int heap, int st) {
        return seq << SEQ_SHIFT | (long) heap << HEAP_SHIFT | st;
    }

    private static long seqOf(long s) {
        return s >>> SEQ_SHIFT;
    }

    private static int heapOf(long s) {
        return (int) (s >>> HEAP_SHIFT & HEAP_MASK);
    }

    private static boolean armed(long s) {
        return (s & 0x3) == ST_ARMED;
    }

    /** True while an arming is pending (not fired, stopped or reset away). */
    public boolean isArmed() {
        return armed(state);
    }

    // ---- arming, stopping ----

    /**
     * Arms this timer to fire after {@code delayNanos} (at once if not positive), replacing a
     * pending arming (Go's {@code Reset}); a ticker also takes {@code newPeriod} when positive.
     *
     * @return true if an arming was pending and has been replaced
     */
    public boolean reset(long delayNanos, long newPeriod) {
        long when = System.nanoTime() + Math.min(Math.max(delayNanos, 0), MAX_DELAY_NANOS);
        TimerHeap heap = chooseHeap();
        if (newPeriod > 0) {
            period = newPeriod;
        }
        for (;;) {
            long s = state;
            long seq = seqOf(s) + 1;
            if (STATE.compareAndSet(this, s, pack(seq, heap.id, ST_ARMED))) {
                boolean replaced = armed(s);
                if (replaced) {
                    heapAt(heapOf(s)).zombieAdded();
                }
                dropTicksBefore(seq);
                heap.push(when, this, seq);
                return replaced;
            }
        }
    }

    /**
     * Ends the pending arming, if any (Go's {@code Stop}). A tick not yet received is dropped
     * either way.
     *
     * @return true if it was pending: it will not fire
     */
    public boolean stop() {
        for (;;) {
            long s = state;
            if (!armed(s)) {
                dropTicksBefore(seqOf(s) + 1);
                return false;
            }
            if (STATE.compareAndSet(this, s, pack(seqOf(s), heapOf(s), ST_IDLE))) {
                heapAt(heapOf(s)).zombieAdded();
                dropTicksBefore(seqOf(s) + 1);
                return true;
            }
        }
    }

    /** Makes ticks of armings before {@code seq} stale, and drops those waiting. */
    private void dropTicksBefore(long seq) {
        if (kind != SIGNAL) {
            return;
        }
        for (long cur; (cur = minTickSeq) < seq; ) {
            if (MIN_TICK_SEQ.compareAndSet(this, cur, seq)) {
                break;
            }
        }
        ticks().clear();
    }

    /**
     * The heap a new arming goes on: the caller's P's when the caller is a goroutine (or the
     * schedule loop) of this runtime, as in Go; otherwise a random P's.
     */
    private TimerHeap chooseHeap() {
        if (Scheduler.VT.currentCarrierThread() instanceof M m && m.sched == sched) {
            P pp = m.p;
            if (pp != null) {
                return pp.timers;
            }
        }
        return sched.allp[ThreadLocalRandom.current().nextInt(sched.allp.length)].timers;
    }

    private TimerHeap heapAt(int id) {
        return sched.allp[id].timers;
    }

    // ---- firing (the heap's runner, under the heap's lock) ----

    /** Whether entry {@code seq} on heap {@code heap} is still this timer's pending arming. */
    boolean isLive(long seq, int heap) {
        return state == pack(seq, heap, ST_ARMED);
    }

    /**
     * Claims entry {@code seq}, due at {@code when}, which {@code heap} just popped: a one-shot
     * timer goes IDLE, a ticker re-arms on the same heap for its next tick after {@code now}
     * (ticks missed while late are skipped, as Go's {@code t.when += t.period * (1 + -delta/t.period)}).
     *
     * @return false for a zombie
     */
    boolean claim(long seq, long when, long now, TimerHeap heap) {
        long s = state;
        if (s != pack(seq, heap.id, ST_ARMED)) {
            return false;
        }
        long p = period;
        if (p == 0) {
            return STATE.compareAndSet(this, s, pack(seq, heap.id, ST_IDLE));
        }
        if (!STATE.compareAndSet(this, s, pack(seq + 1, heap.id, ST_ARMED))) {
            return false;
        }
        long next = when + p * (1 + Math.max(0, now - when) / p);
        heap.pushLocked(next, this, seq + 1);
        return true;
    }

    /** What a claimed fire does. Outside the heap's lock; never blocks. */
    void fire(long when, long seq) {
        switch (kind) {
            case SLEEP -> LockSupport.unpark((Thread) target);
            case SIGNAL -> ticks().offer(new Tick(when, seq));
            default -> {
                try {
                    sched.go("", (Runnable) target);
                } catch (RejectedExecutionException e) {
                    sched.diagnostics().println("goloom: an afterFunc timer of runtime \"" + sched.name()
                            + "\" fired after close; its function did not run: " + target);
                }
            }
        }
    }

    // ---- receiving ticks ----

    @SuppressWarnings("unchecked")
    private ArrayBlockingQueue<Tick> ticks() {
        return (ArrayBlockingQueue<Tick>) target;
    }

    /**
     * Waits for the next tick of a {@link #SIGNAL} timer, skipping stale ones.
     *
     * @return the time it was due, on the {@link System#nanoTime()} clock
     */
    public long awaitTick() throws InterruptedException {
        for (;;) {
            Tick t = ticks().take();
            if (t.seq() >= minTickSeq) {
                return t.when();
            }
        }
    }

    /** A pending tick's due time, or {@code Long.MIN_VALUE} if none (non-blocking). */
    public long pollTick() {
        for (Tick t; (t = ticks().poll()) != null; ) {
            if (t.seq() >= minTickSeq) {
                return t.when();
            }
        }
        return Long.MIN_VALUE;
    }

    @Override
    public String toString() {
        long s = state;
        return "Timer[" + (kind == SLEEP ? "sleep" : kind == SIGNAL ? (period > 0 ? "ticker" : "timer") : "func")
                + (armed(s) ? ", armed on P" + heapOf(s) : ", idle") + "]";
    }
}
