package io.goloom.sched;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * A P's timers (Go 1.14+'s per-P {@code timers}): entries {@code (when, timer, seq)} ordered by
 * {@code when} on the {@link System#nanoTime()} clock, in a 4-ary min-heap plus a
 * {@link TimerLane} that takes every entry arriving in due order (most of them). The earlier
 * of the two tops comes out first. An entry is live while its timer's state still names it
 * (see "State" in {@link Timer}); otherwise it is a zombie, dropped when it reaches the top or
 * swept out in bulk.
 *
 * <p>Who runs it: the P's M in its schedule loop (before looking for work), a spinning M
 * stealing from this P, an M sysmon hands the P to when it is idle (sysmon itself when no M
 * is free), and after the runtime closed, its after-close timer thread. Several may try at
 * once; the lock serializes them and each entry is claimed once.
 *
 * <p><b>Locking.</b> A spin lock guards the arrays and {@link #size}: the holder never blocks
 * or parks inside it (a goroutine holding a lock that parks it could be queued behind the very
 * M that then spins for the lock), and holds it for one heap operation. A stop does not take
 * it; a reset takes it only to push its new entry.
 */
final class TimerHeap {

    /** {@link #earliest} when the heap is empty. A real {@code when} equal to it is moved one earlier. */
    static final long NONE = Long.MAX_VALUE;
    private static final int ARITY = 4;
    private static final int INITIAL_CAPACITY = 16;
    /** Below this size zombies are left to reach the top; above it they may not pass a quarter. */
    private static final int SWEEP_MIN = 64;

    private static final VarHandle LOCKED, ZOMBIES, FIRED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            LOCKED = l.findVarHandle(TimerHeap.class, "locked", int.class);
            ZOMBIES = l.findVarHandle(TimerHeap.class, "zombies", int.class);
            FIRED = l.findVarHandle(TimerHeap.class, "fired", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Scheduler sched;
    /** The P's id; also this heap's id in a timer's state. */
    final int id;

    // ---- guarded by the lock ----
    /**
     * Entry i's when at {@code 2i} and seq at {@code 2i+1}: a node's four children (4i+1..4i+4)
     * share one or two cache lines, which matters with thousands of sleepers per P.
     */
    private long[] keys = new long[2 * INITIAL_CAPACITY];
    private Timer[] timers = new Timer[INITIAL_CAPACITY];
    /** Entries in the heap part. */
    private int size;
    private final TimerLane lane = new TimerLane();

    /** 0 or 1; CAS to take, release store to give back. */
    private volatile int locked;
    /** The earliest entry's when (heap or lane), or {@link #NONE}. Written under the lock; read by anyone to skip an empty or not-yet-due heap. */
    private volatile long earliest = NONE;
    /**
     * Entries stopped or reset away and not yet removed: a hint for when to sweep. getAndAdd by
     * stop/reset (without the lock, possibly before the entry is even pushed) and by the
     * runner; a sweep removes every zombie and sets it to 0. race: a stop whose entry a sweep
     * or the runner already removed counts it afterwards, so the count may run ahead by the
     * stops in flight at a sweep, until the next one.
     */
    private volatile int zombies;
    /** Entries fired from this heap. getAndAdd by whoever runs it. */
    private volatile long fired;

    TimerHeap(Scheduler sched, int id) {
        this.sched = sched;
        this.id = id;
    }

    // ---- the lock ----

    private void lock() {
        while (!LOCKED.compareAndSet(this, 0, 1)) {
            while (locked != 0) {
                Thread.onSpinWait();
            }
        }
    }

    private void unlock() {
        LOCKED.setRelease(this, 0);
    }

    // ---- reading without the lock ----

    /** The earliest entry's when (possibly a zombie's), or {@link #NONE}. */
    long earliest() {
        return earliest;
    }

    /** Whether an entry is due now; reads the clock only when the heap is not empty. */
    boolean dueNow() {
        long e = earliest;
        return e != NONE && e - System.nanoTime() <= 0;
    }

    int size() {
        return size + lane.size();   // race: plain reads for statistics
    }

    long fired() {
        return fired;
    }

    void zombieAdded() {
        ZOMBIES.getAndAdd(this, 1);
    }

    // ---- adding ----

    /**
     * Adds an entry, then makes sure someone will run it in time: the P's owner does, unless
     * the P is idle (then sysmon is told) or the runtime has terminated.
     */
    void push(long when, Timer t, long seq) {
        lock();
        try {
            pushLocked(when, t, seq);
        } finally {
            unlock();
        }
        sched.timerAdded(this, when);
    }

    /** Adds an entry: to the lane if it keeps it in order, else to the heap. Holds the lock. */
    void pushLocked(long when, Timer t, long seq) {
        assert locked != 0 : "TimerHeap.pushLocked without the heap's lock";   // a spin lock: held, by someone
        if (when == NONE) {
            when--;
        }
        if (lane.accepts(when)) {
            lane.add(when, t, seq);
            sweepIfWorthIt();
        } else {
            if (size == timers.length) {
                sweepIfWorthIt();
                if (size == timers.length) {   // the zombies counted may not be in the heap part
                    resize(size * 2);
                }
            }
            siftUp(size++, when, t, seq);
        }
        updateEarliest();
    }

    private void updateEarliest() {
        long e = NONE;
        if (size > 0) {
            e = keys[0];
        }
        if (!lane.isEmpty() && (e == NONE || lane.headWhen() - e < 0)) {
            e = lane.headWhen();
        }
        earliest = e;
    }

    // ---- running ----

    /** Fires every entry due at {@code now}. */
    int run(long now) {
        return run(now, Integer.MAX_VALUE);
    }

    /**
     * Claims and fires the entries due at {@code now}, earliest first, at most {@code max} of
     * them, one at a time: each claim under the lock, each fire outside it (a fire readies a
     * goroutine, which may take the scheduler lock).
     *
     * @return how many fired
     */
    int run(long now, int max) {
        int n = 0;
        while (n < max) {
            Timer t;
            long when, seq;
            lock();
            try {
                boolean fromLane = !lane.isEmpty() && (size == 0 || lane.headWhen() - keys[0] <= 0);
                if (fromLane) {
                    when = lane.headWhen();
                    t = lane.headTimer();
                    seq = lane.headSeq();
                } else if (size > 0) {
                    when = keys[0];
                    t = timers[0];
                    seq = keys[1];
                } else {
                    break;
                }
                if (when - now > 0) {
                    break;
                }
                if (fromLane) {
                    lane.removeHead();
                } else {
                    removeTop();
                }
                if (!t.claim(seq, when, now, this)) {
                    ZOMBIES.getAndAdd(this, -1);
                    continue;
                }
            } finally {
                sweepIfWorthIt();
                updateEarliest();
                unlock();
            }
            ExecTrace tr = sched.trace;
            if (tr != null) {
                tr.record(sched, ExecTrace.TIMER_FIRE, id, 0, 0, 0);   // before the GoUnblock the fire records
            }
            t.fire(when, seq);
            n++;
        }
        if (n > 0) {
            FIRED.getAndAdd(this, (long) n);
        }
        return n;
    }

    /**
     * Removes the top entry, bottom-up (Floyd): the hole at the root follows the smaller child
     * down to a leaf, then takes the last entry, which sifts up. The last entry is usually among
     * the latest (sleeps of one length arrive in due order), so it stays near the leaf, and each
     * level costs one comparison pass less than the classic sift-down.
     */
    private void removeTop() {
        int last = --size;
        long w = keys[2 * last];
        long s = keys[2 * last + 1];
        Timer t = timers[last];
        timers[last] = null;
        if (last == 0) {
            return;
        }
        int hole = 0;
        for (int first; (first = hole * ARITY + 1) < last; ) {
            int min = minChild(first, Math.min(first + ARITY, last));
            move(min, hole);
            hole = min;
        }
        siftUp(hole, w, t, s);
        if (timers.length > INITIAL_CAPACITY && size < timers.length / 4) {
            resize(timers.length / 2);
        }
    }

    // ---- heap internals (hold the lock) ----

    /** The index of the earliest of entries {@code [from, to)}. */
    private int minChild(int from, int to) {
        int min = from;
        for (int c = from + 1; c < to; c++) {
            if (keys[2 * c] - keys[2 * min] < 0) {
                min = c;
            }
        }
        return min;
    }

    private void siftUp(int i, long when, Timer t, long seq) {
        while (i > 0) {
            int parent = (i - 1) / ARITY;
            if (keys[2 * parent] - when <= 0) {
                break;
            }
            move(parent, i);
            i = parent;
        }
        set(i, when, t, seq);
    }

    private void siftDown(int i, long when, Timer t, long seq) {
        for (int first; (first = i * ARITY + 1) < size; ) {
            int min = minChild(first, Math.min(first + ARITY, size));
            if (when - keys[2 * min] <= 0) {
                break;
            }
            move(min, i);
            i = min;
        }
        set(i, when, t, seq);
    }

    private void move(int from, int to) {
        keys[2 * to] = keys[2 * from];
        keys[2 * to + 1] = keys[2 * from + 1];
        timers[to] = timers[from];
    }

    private void set(int i, long when, Timer t, long seq) {
        keys[2 * i] = when;
        keys[2 * i + 1] = seq;
        timers[i] = t;
    }

    private void resize(int capacity) {
        keys = Arrays.copyOf(keys, 2 * capacity);
        timers = Arrays.copyOf(timers, capacity);
    }

    /**
     * Passes every timer with a pending arming here to {@code action}, under the lock: the
     * action must not block or push (a stop is fine).
     */
    void forEachLive(Consumer<Timer> action) {
        lock();
        try {
            for (int i = 0; i < size; i++) {
                if (timers[i].isLive(keys[2 * i + 1], id)) {
                    action.accept(timers[i]);
                }
            }
            lane.forEachLive(id, action);
        } finally {
            unlock();
        }
    }

    /**
     * Removes every zombie and says whether a live entry is left. For the after-close timer
     * thread, which must not wait an hour for a stopped timer's entry to reach the top.
     */
    boolean sweepAndCheckLive() {
        lock();
        try {
            sweep();
            updateEarliest();
            return size + lane.size() > 0;
        } finally {
            unlock();
        }
    }

    /** Removes every zombie when they are more than a quarter of at least {@link #SWEEP_MIN} entries. */
    private void sweepIfWorthIt() {
        int total = size + lane.size();
        if (total >= SWEEP_MIN && zombies > total / 4) {
            sweep();
        }
    }

    /** Removes every zombie, from the lane and from the heap, which it rebuilds in place (Floyd). */
    private void sweep() {
        lane.sweep(id);
        int live = 0;
        for (int i = 0; i < size; i++) {
            if (timers[i].isLive(keys[2 * i + 1], id)) {
                move(i, live++);
            }
        }
        Arrays.fill(timers, live, size, null);
        zombies = 0;
        size = live;
        for (int i = (size - 2) / ARITY; i >= 0; i--) {
            siftDown(i, keys[2 * i], timers[i], keys[2 * i + 1]);
        }
        if (timers.length > INITIAL_CAPACITY && size < timers.length / 4) {
            resize(Math.max(INITIAL_CAPACITY, timers.length / 2));
        }
    }
}
