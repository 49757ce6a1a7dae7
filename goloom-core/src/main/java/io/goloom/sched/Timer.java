package io.goloom.sched;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
 *   state = seq &lt;&lt; 18 | heap &lt;&lt; 2 | ARMED or IDLE
 *
 *   IDLE(s)       -> ARMED(s+1, h)  // arm: a new entry (when, this, s+1) goes on heap h
 *   ARMED(s, h)   -> ARMED(s+1, h') // reset while armed: the entry s becomes a zombie
 *   ARMED(s, h)   -> IDLE(s)        // stop (the entry becomes a zombie), or fire of entry s
 *   ARMED(s, h)   -> ARMED(s+1, h)  // fire of a ticker's entry s, which re-arms it on h
 * </pre>
 * A heap holds entries, not timers: an entry whose seq no longer matches the state is a zombie,
 * dropped when it reaches the top, or swept out when zombies pass a quarter of the heap (Go
 * 1.23's {@code timers.zombies} rule). A stop therefore never takes a heap's lock, a reset
 * takes only the lock of the heap it pushes its new entry to, and a timer reset from another P
 * moves to the resetter's P, as in Go. The heap id in the state names the heap holding the
 * live entry, so a stop counts its zombie on the right heap.
 *
 * <h2>What a fire does</h2>
 * It runs on the thread that runs the heap (an M in its schedule loop, a spinning M, sysmon,
 * or the after-close timer thread), so it must not block: {@link #SLEEP} unparks the sleeping
 * goroutine, {@link #SIGNAL} offers a tick to its {@link TickSlot} (lock-free; dropped when a
 * live tick waits, like a send to Go's full timer channel), {@link #FUNC} starts a goroutine
 * (which takes the scheduler lock only to reach the global queue, held briefly and never
 * while parking), {@link #TASK} runs a JDK timeout in place ({@link JdkTimeouts}: it only
 * readies a virtual thread).
 */
public final class Timer {

    /** What a fire does; see the class comment. */
    static final int SLEEP = 0, SIGNAL = 1, FUNC = 2, TASK = 3;

    static final int ST_IDLE = 0, ST_ARMED = 1;
    private static final int HEAP_SHIFT = 2, SEQ_SHIFT = 18;
    private static final long HEAP_MASK = 0xFFFF;

    /** Longest delay, so that {@code now + delay} cannot overflow nanoTime arithmetic (~73 years). */
    public static final long MAX_DELAY_NANOS = Long.MAX_VALUE >> 2;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Timer.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Scheduler sched;
    private final int kind;
    /** The sleeping thread, the tick queue, or the function; see {@link #kind}. */
    private final Object target;
    /** Ticker period in nanos, 0 for a one-shot timer. Volatile: reset may change it while the heap runs. */
    private volatile long period;
    /** See "State". CAS only. */
    private volatile long state;

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
        return new Timer(sched, SIGNAL, new TickSlot(), periodNanos);
    }

    /** A timer that runs {@code task}, which must not block, in place when it fires. */
    static Timer task(Scheduler sched, Runnable task) {
        return new Timer(sched, TASK, task, 0);
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

    /** Whether a fire starts a goroutine ({@code afterFunc}). */
    boolean isFunc() {
        return kind == FUNC;
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

    /** Makes ticks of armings before {@code seq} stale (a {@link #SIGNAL} timer's). */
    private void dropTicksBefore(long seq) {
        if (kind == SIGNAL) {
            ticks().dropBefore(seq);
        }
    }

    /**
     * The heap a new arming goes on: the caller's P's when the caller is a goroutine (or the
     * schedule loop) of this runtime, as in Go; otherwise a random P's.
     */
    private TimerHeap chooseHeap() {
        if (VirtualThreads.JDK.currentCarrierThread() instanceof M m && m.sched == sched) {
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

    /** What a claimed fire does. Outside the heap's lock; never parks. */
    void fire(long when, long seq) {
        switch (kind) {
            case SLEEP -> LockSupport.unpark((Thread) target);
            case SIGNAL -> ticks().offer(when, seq);
            case TASK -> ((Runnable) target).run();
            default -> {
                try {
                    sched.go("", (Runnable) target, null, null);
                } catch (RejectedExecutionException e) {
                    sched.diagnostics().println("goloom: an afterFunc timer of runtime \"" + sched.name()
                            + "\" fired after close() began; its function did not run: " + target);
                }
            }
        }
    }

    // ---- receiving ticks ----

    private TickSlot ticks() {
        return (TickSlot) target;
    }

    /**
     * Waits for the next live tick of a {@link #SIGNAL} timer.
     *
     * @return the time it was due, on the {@link System#nanoTime()} clock
     */
    public long awaitTick() throws InterruptedException {
        return ticks().take();
    }

    /** A live tick's due time, taken without waiting, or {@link TickSlot#NONE} ({@code Long.MIN_VALUE}). */
    public long pollTick() {
        return ticks().poll();
    }

    @Override
    public String toString() {
        long s = state;
        return "Timer[" + (kind == SLEEP ? "sleep" : kind == SIGNAL ? (period > 0 ? "ticker" : "timer") : "func " + target)
                + (armed(s) ? ", armed on P" + heapOf(s) : ", idle") + "]";
    }
}
