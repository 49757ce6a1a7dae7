package io.goloom.sched;

import io.goloom.LatencyHistogram;
import io.goloom.ProcStats;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A processor (Go's {@code p}): the right to run goroutines. There are exactly {@code procs}
 * of them; an M must hold one to run a G. Each owns a local {@link RunQueue}, a
 * {@code runnext} slot, a {@link TimerHeap} and its counters.
 *
 * <h2>Ownership</h2>
 * {@code status} packs a state (low 2 bits) and the owning M's id (the rest), and changes only
 * by CAS, except the owner's own HELD -> MOUNTED release store:
 * <pre>
 *   IDLE       -> HELD(m)     // acquire(m): m took it from the idle list or was handed it
 *   HELD(m)    -> IDLE        // release(m): m found no work, or is exiting
 *   HELD(m)    -> MOUNTED(m)  // mount(m): m is about to run a goroutine (setRelease)
 *   MOUNTED(m) -> HELD(m)     // unmount(m): the goroutine's continuation returned; or
 *                             //   enterOp(m): code of that goroutine uses the P (ready, go)
 *   HELD(m)    -> MOUNTED(m)  // exitOp(m) (setRelease)
 *   MOUNTED(m) -> IDLE        // retake(m): sysmon, when m has run one goroutine too long
 * </pre>
 * Go's {@code _Prunning}/{@code _Psyscall}/{@code _Pidle}, with one difference: goloom cannot
 * tell a goroutine blocked in its carrier (a pinned park, native code, class initialisation)
 * from one computing, so every mounted run is like Go's syscall, retakable once it has lasted
 * {@code retakeAfter}. The run queue has one producer, so everything that pushes to it or sets
 * {@code runnext} proves ownership first: the M's own schedule loop holds the P in HELD, where
 * sysmon cannot take it, and code of the running goroutine enters HELD by CAS from
 * MOUNTED(m), which fails once sysmon has taken the P; that code then uses the global queue.
 * The owner tag makes the CAS fail even after the P was handed to another M and mounted again.
 * One owner's last push happens before the next owner's first through the CAS that ends the
 * first ownership (release, retake) and the one that starts the next (acquire), with the idle
 * list's lock or the volatile {@code M.nextp} in between.
 *
 * <h2>runnext</h2>
 * Set only by the owner (CAS, since thieves may clear it); taken by the owner, or by a thief in
 * its last steal round after giving the owner {@link #RUNNEXT_STEAL_AGE_NANOS} to take it.
 * A goroutine run from {@code runnext} inherits the time slice of the one before it (Go's
 * {@code inheritTime}): it does not advance {@link #schedtick}. At most {@link #RUNNEXT_CAP}
 * runs in a row come from {@code runnext}; then it is moved to the queue's tail so that a
 * ping-pong pair cannot starve the queue.
 *
 * <h2>runnext and waking</h2>
 * Go wakes an idle M on every ready. For a readier that blocks right away (park/unpark
 * ping-pong) that wake is wasted, and it costs: 500 vs 285 ns per round trip here. Not waking
 * (Tokio's LIFO slot) is wrong for a readier that keeps running: JDK code that spins before
 * parking ({@code SynchronousQueue}) then spins ~3 µs per hand-off while its peer waits in this
 * runnext, 7 µs per round trip against the JDK's ~0.3 µs. So a lone runnext put wakes a thief
 * only when there is evidence that this P's owner is slow to run its runnext: a thief that had
 * to steal it raises {@link #runnextStealScore}, each owner hit lowers it, and one put in
 * {@link #RUNNEXT_PROBE_PERIOD} wakes a thief anyway to gather that evidence. Measured in
 * docs/PERFORMANCE.md; for a readier that computes for long after one ready, sysmon wakes a
 * thief once the runnext has waited a whole round (see {@link Sysmon}).
 *
 * <p>Thieves alone gather that evidence too slowly once a spin-then-park pair has collapsed onto
 * one P: each hand-off then costs the readier's whole spin (the peer waits in runnext), and the
 * probe comes only after 1,024 of them (3 ms), with a woken thief that mostly arrives after the
 * spin is over. The owner sees it itself, for free: a run taken from runnext whose schedule
 * latency is sampled anyway ({@link G#TRACK_PERIOD}) and had waited at least
 * {@link #RUNNEXT_STEAL_AGE_NANOS} means the readier kept running after the ready
 * ({@link #noteRunnextLatency}); unless that put woke a thief, whose futex wake the readier paid
 * before parking (that delay would feed itself).
 */
final class P {

    static final int S_IDLE = 0, S_HELD = 1, S_MOUNTED = 2;
    private static final int STATE_MASK = 0x3;

    /**
     * Goroutine ids a P takes from the shared counter at a time (Go's {@code _GoidCacheBatch}):
     * spawning on two Ps then touches the shared counter once per 16 goroutines, and
     * consecutive goroutines of one P land in the same {@link AllGs} stripe.
     */
    static final int GOID_BATCH = 16;

    /**
     * Consecutive runs from {@code runnext} before the queue gets a turn. Go has no count: its
     * chain shares one 10 ms time slice, enforced by sysmon (issue #4); Tokio caps its LIFO slot
     * at 3 polls ("picked out of thin air"). We take Tokio's value: it bounds the wait of the
     * queue's head to 3 switches (~1 µs) while a ping-pong pair keeps its locality.
     */
    static final int RUNNEXT_CAP = 3;

    /**
     * How long a thief waits before taking a running P's {@code runnext}, giving its owner the
     * chance to run it. Go sleeps 3 µs ("sync chan send/recv takes ~50ns ... 3us gives ~50x
     * overshoot"). A park/unpark hand-off reaches its runnext in 150-300 ns here, so 1 µs still
     * overshoots 3-6x, and it must stay below the ~3 µs that JDK spin-then-park code
     * ({@code LinkedTransferQueue}, {@code SynchronousQueue}) spins before parking: a readied
     * peer stolen within that window meets the spinner without either of them parking.
     */
    static final long RUNNEXT_STEAL_AGE_NANOS = 1_000;

    /**
     * A lone runnext put wakes a thief once in this many (a probe), and always while
     * {@link #runnextStealScore} is positive. See "runnext and waking" in the class comment.
     */
    static final int RUNNEXT_PROBE_PERIOD = 1024;

    /**
     * Score a thief adds when it had to steal runnext; each owner hit takes one off. Capped.
     * Must stay 1: a woken thief delays the readier (it pays the futex wake before it parks), so
     * the thief's own steal is partly self-fulfilling; with +4 or +16 each steal caused several
     * more wakes and park/unpark ping-pong settled at 550-650 instead of ~310 ns per round trip.
     */
    static final int RUNNEXT_STEAL_SCORE = 1, RUNNEXT_STEAL_SCORE_MAX = 64;

    /**
     * Score a slow sampled runnext run adds ({@link #noteRunnextLatency}): one run in
     * {@link G#TRACK_PERIOD} is sampled and every owner hit takes one off, so a P whose sampled
     * runnext runs are all slow keeps a positive score, and one whose are fast loses it in as
     * many hits.
     */
    static final int RUNNEXT_SLOW_SCORE = G.TRACK_PERIOD;

    private static final VarHandle STATUS, RUNNEXT, STEALS_OUT, HANDOFFS, SCHEDTICK, SLICE_START, COUNTERS, LONG_LATENCY;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATUS = l.findVarHandle(P.class, "status", int.class);
            RUNNEXT = l.findVarHandle(P.class, "runnext", G.class);
            STEALS_OUT = l.findVarHandle(P.class, "stealsOut", long.class);
            HANDOFFS = l.findVarHandle(P.class, "handoffs", long.class);
            LONG_LATENCY = l.findVarHandle(P.class, "longLatencyNanos", long.class);
            SCHEDTICK = l.findVarHandle(P.class, "schedtick", int.class);
            SLICE_START = l.findVarHandle(P.class, "sliceStart", long.class);
            COUNTERS = MethodHandles.arrayElementVarHandle(long[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // Counter slots: written by the owner only (setOpaque of its own plain read + 1), read by
    // anyone with getOpaque, so a snapshot never sees a torn or out-of-thin-air value.
    static final int C_RUNNEXT_HITS = 0, C_LOCAL_POPS = 1, C_GLOBAL_GRABS = 2, C_STEALS_IN = 3, C_RUNS = 4,
            C_PREEMPTIONS = 5;
    private static final int C_LATENCY_SAMPLES = 6, C_LATENCY_NANOS = 7, N_COUNTERS = 8;

    final Scheduler sched;
    final int id;
    final RunQueue<G> runq;
    /** This P's timers; see {@link TimerHeap} for who runs them. */
    final TimerHeap timers;

    /** State and owner; see "Ownership". */
    private volatile int status = S_IDLE;
    /** The M that holds this P, null when idle. Written by that M; read racily by observers. */
    volatile M m;
    /** See the class comment. Set by the owner (CAS), cleared by the owner or a thief (CAS). */
    private volatile G runnext;

    // ---- owner-only state (Tokio's Core): touched only by the M holding this P ----
    /**
     * Non-inherited runs so far (Go's schedtick); drives the 1-in-61 global-queue check, and
     * sysmon reads it (opaque) to see a run that has lasted too long.
     */
    private int schedtick;
    /**
     * When the current time slice began, on the coarse clock ({@link Scheduler#coarseNanos}, up
     * to a sysmon round early). Written by the owner (opaque) before it publishes the new
     * {@link #schedtick} (release); sysmon reads it after that tick (acquire).
     */
    private long sliceStart;
    /** Runs in a row taken from runnext. */
    int runnextStreak;
    /** Scratch for overflow batches: half a queue plus the goroutine being queued; reused. */
    final G[] overflowBatch;
    private final long[] counters = new long[N_COUNTERS];
    /**
     * The sampled schedule latencies in {@link LatencyHistogram}'s buckets (2.4 KB). Written by
     * the owner (setOpaque, no shared write), read racily (getOpaque) by snapshots.
     */
    private final long[] latencyBuckets = new long[LatencyHistogram.BUCKETS];

    /** This P's batch of goroutine ids (Go's {@code goidcache}): the next one, and the end. Owner-only. */
    private long goidNext, goidEnd;

    /** Lone runnext puts so far; selects the probes. Owner-only. */
    private int runnextPuts;
    /** Whether the last lone runnext put woke a thief. Owner-only. */
    private boolean runnextPutWoke;
    /**
     * Evidence that the owner is slow to run its runnext. Raised by thieves, lowered by the
     * owner, plain volatile reads and writes. race: the two may overwrite each other's update;
     * it is a hint, and a lost update only delays adaptation by one steal or one hit.
     */
    private volatile int runnextStealScore;

    /** Goroutines others stole from this P. Added to by thieves (getAndAdd). */
    private volatile long stealsOut;
    /** Times sysmon took this P from a stuck M. Added to by sysmon (getAndAdd). */
    private volatile long handoffs;
    /**
     * A long sampled schedule latency waiting for sysmon to record (JFR), and its goroutine:
     * written by the owner (goid first, then the latency, volatile), taken by sysmon
     * (getAndSet of the latency to 0). race: a second one before sysmon looks replaces the
     * first, and sysmon may pair a latency with the next goid; it is a low-rate sample.
     */
    private volatile long longLatencyGoid, longLatencyNanos;

    /** Link in the scheduler's idle-P list. Guarded by the scheduler lock. */
    P idleLink;
    /**
     * On the idle-P list: written under the scheduler lock, read racily by sysmon. Unlike
     * {@link #isIdle} it is false for a P taken off the list for an M that has not acquired it
     * yet: that M runs its timers, and sysmon, which saw them due, spun until it did (9% of an
     * http server's CPU, with goroutine timeouts on the heaps).
     */
    volatile boolean listedIdle;

    P(Scheduler sched, int id, int runQueueCapacity) {
        this.sched = sched;
        this.id = id;
        this.runq = new RunQueue<>(runQueueCapacity);
        this.timers = new TimerHeap(sched, id);
        this.overflowBatch = new G[runQueueCapacity / 2 + 1];
    }

    // ---- ownership ----

    private static int held(M m) {
        return m.mid << 2 | S_HELD;
    }

    private static int mounted(M m) {
        return m.mid << 2 | S_MOUNTED;
    }

    /**
     * IDLE -> HELD(m). Caller took this P from the idle list (or was handed it). A new owner
     * starts a new time slice, so that sysmon's clock for this P does not carry over from the
     * last owner (a runnext left on a handed-off P would otherwise run preempted at once).
     */
    void acquire(M m) {
        if (!STATUS.compareAndSet(this, S_IDLE, held(m))) {
            throw new IllegalStateException("acquirep: P" + id + " is not idle (" + describe(status) + ")");
        }
        this.m = m;
        tickSched();
        ExecTrace tr = sched.trace;
        if (tr != null) {
            tr.recordOn(m, ExecTrace.PROC_START, id, 0, 0, 0);   // m's carrier: its loop or its goroutine (Go.blocking)
        }
    }

    /** HELD(m) -> IDLE. Owner only, from its schedule loop. */
    void release(M m) {
        ExecTrace tr = sched.trace;
        if (tr != null) {
            tr.recordOn(m, ExecTrace.PROC_STOP, id, 0, 0, 0);
        }
        this.m = null;
        if (!STATUS.compareAndSet(this, held(m), S_IDLE)) {
            throw new IllegalStateException("releasep: P" + id + " is not held by " + m.getName()
                    + " (" + describe(status) + ")");
        }
    }

    /** HELD(m) -> MOUNTED(m): m is about to run a goroutine; from now sysmon may retake. */
    void mount(M m) {
        STATUS.setRelease(this, mounted(m));
    }

    /**
     * MOUNTED(m) -> HELD(m) after the goroutine's continuation returned.
     *
     * @return false if sysmon took the P meanwhile: m no longer owns it
     */
    boolean unmount(M m) {
        return STATUS.compareAndSet(this, mounted(m), held(m));
    }

    /**
     * MOUNTED(m) -> HELD(m) for code of the goroutine mounted on m that uses the P (run queue,
     * runnext, id batch, counters); {@link #exitOp} ends it.
     *
     * @return false if m no longer owns the P: use the global queue instead
     */
    boolean enterOp(M m) {
        return STATUS.compareAndSet(this, mounted(m), held(m));
    }

    /** HELD(m) -> MOUNTED(m) after {@link #enterOp}. */
    void exitOp(M m) {
        STATUS.setRelease(this, mounted(m));
    }

    /**
     * MOUNTED(m) -> IDLE: sysmon takes the P from m, whose goroutine has run too long. The
     * caller then hands it on ({@link Scheduler#handoffp}).
     */
    boolean retake(M m) {
        if (!STATUS.compareAndSet(this, mounted(m), S_IDLE)) {
            return false;
        }
        this.m = null;
        HANDOFFS.getAndAdd(this, 1L);
        ExecTrace tr = sched.trace;
        if (tr != null) {
            // Before the caller hands the P on: the next owner's events come later in time.
            G g = m.curg;
            tr.record(sched, ExecTrace.HANDOFF, id, g != null ? g.id : 0, m.mid, 0);
        }
        return true;
    }

    boolean isIdle() {
        return (status & STATE_MASK) == S_IDLE;
    }

    /** Whether {@code m} holds this P in its schedule loop (HELD, not MOUNTED). */
    boolean heldBy(M m) {
        return status == held(m);
    }

    /** The M that holds this P, if a goroutine of it is mounted now; for sysmon. */
    M mountedBy() {
        M owner = m;
        return owner != null && status == mounted(owner) ? owner : null;
    }

    private static String describe(int status) {
        return switch (status & STATE_MASK) {
            case S_IDLE -> "idle";
            case S_HELD -> "held by m-" + (status >>> 2);
            default -> "mounted by m-" + (status >>> 2);
        };
    }

    /** The next goroutine id from this P's batch, taking a new batch when it is used up. Owner only. */
    long nextGoid() {
        if (goidNext == goidEnd) {
            goidNext = sched.reserveGoids();
            goidEnd = goidNext + GOID_BATCH;
        }
        return goidNext++;
    }

    // ---- runnext and the local queue ----

    /**
     * Puts {@code g} into {@code runnext}. Owner only.
     *
     * @return the goroutine it displaced (to be queued by the caller), or null
     */
    G putRunnext(G g) {
        for (;;) {
            G old = runnext;
            if (RUNNEXT.compareAndSet(this, old, g)) {
                return old;
            }
        }
    }

    /**
     * After a put into an empty runnext: should a thief be woken for it? See "runnext and
     * waking". Owner only.
     */
    boolean shouldWakeForRunnext() {
        return runnextPutWoke = (++runnextPuts & (RUNNEXT_PROBE_PERIOD - 1)) == 0 || runnextStealScore > 0;
    }

    /**
     * A run taken from runnext, with its latency sampled, had waited {@code latency} ns: if that
     * is long and no thief was woken for it, raise {@link #runnextStealScore}. See "runnext and
     * waking". Owner only.
     */
    void noteRunnextLatency(long latency) {
        if (latency >= RUNNEXT_STEAL_AGE_NANOS && !runnextPutWoke) {
            runnextStealScore = Math.min(RUNNEXT_STEAL_SCORE_MAX, runnextStealScore + RUNNEXT_SLOW_SCORE);
        }
    }

    /**
     * The next goroutine this P should run, or null: {@code runnext} unless its streak is used
     * up, then the head of the local queue. Owner only.
     *
     * @return the goroutine; {@link M#inheritTime} tells whether it came from runnext
     */
    G runqget(M m) {
        G next = runnext;
        if (next != null) {
            if (runnextStreak < RUNNEXT_CAP) {
                if (RUNNEXT.compareAndSet(this, next, null)) {
                    int score = runnextStealScore;
                    if (score > 0) {
                        runnextStealScore = score - 1;
                    }
                    runnextStreak++;
                    count(C_RUNNEXT_HITS);
                    m.inheritTime = true;
                    return next;
                }
            } else if (RUNNEXT.compareAndSet(this, next, null)) {
                runqputTail(next);    // streak used up: the queue's head goes first
            }
        }
        G g = runq.poll();
        if (g != null) {
            runnextStreak = 0;
            count(C_LOCAL_POPS);
            m.inheritTime = false;
        }
        return g;
    }

    /**
     * Appends {@code g} to the local queue, or moves half of the full queue plus {@code g} to
     * the global queue in one batch (Go's {@code runqputslow}). Owner only.
     */
    void runqputTail(G g) {
        while (!runq.offer(g)) {
            int n = runq.takeHalf(overflowBatch);
            if (n > 0) {
                overflowBatch[n] = g;
                sched.globrunqputBatch(overflowBatch, n + 1);
                return;
            }
        }
    }

    /**
     * Steals from {@code victim} into this P's (empty) queue and returns one goroutine to run,
     * or null. In the last round it may take the victim's {@code runnext}. Owner of this P only.
     */
    G stealFrom(P victim, boolean stealRunnext) {
        G g = runq.stealHalf(victim.runq);
        if (g != null) {
            int n = runq.lastStolen();
            STEALS_OUT.getAndAdd(victim, (long) n);
            count(C_STEALS_IN, n);
            traceSteal(victim, n);
            return g;
        }
        if (stealRunnext) {
            G next = victim.runnext;
            if (next != null && waitForOwner(victim, next) && RUNNEXT.compareAndSet(victim, next, null)) {
                STEALS_OUT.getAndAdd(victim, 1L);
                victim.runnextStealScore = Math.min(RUNNEXT_STEAL_SCORE_MAX,
                        victim.runnextStealScore + RUNNEXT_STEAL_SCORE);
                count(C_STEALS_IN);
                traceSteal(victim, 1);
                return next;
            }
        }
        return null;
    }

    /** Records a steal of {@code n} goroutines from {@code victim} if a trace runs. Owner's M. */
    private void traceSteal(P victim, int n) {
        ExecTrace tr = sched.trace;
        if (tr != null) {
            tr.record(sched, ExecTrace.STEAL, id, 0, victim.id, n);
        }
    }

    /**
     * Gives a running victim {@link #RUNNEXT_STEAL_AGE_NANOS} to run its own runnext (Go sleeps
     * 3 µs in {@code runqgrab}; we spin, as this M is idle anyway). Returns false as soon as the
     * owner took {@code next}.
     */
    private static boolean waitForOwner(P victim, G next) {
        if (victim.m == null) {
            return true;
        }
        long start = System.nanoTime();
        while (System.nanoTime() - start < RUNNEXT_STEAL_AGE_NANOS) {
            if (victim.runnext != next) {
                return false;
            }
            Thread.onSpinWait();
        }
        return true;
    }

    /**
     * True only if this P has no runnable goroutine waiting (Go's {@code runqempty}). The queue is
     * read before and after runnext: a ready replaces runnext before queueing the displaced
     * goroutine, so one of the reads sees it. The one moment it can answer "empty" with work
     * present is the streak-cap move in {@link #runqget}, when the owner itself holds the
     * goroutine and runs it next, so no wake-up is owed. Any thread.
     */
    boolean runqEmpty() {
        return runq.isEmpty() && runnext == null && runq.isEmpty();
    }

    /**
     * Whether this P has work an M could run now: a queued goroutine ({@link #runqEmpty}, so
     * runnext too) or a due timer. The one "P has work" of hand-off ({@link Scheduler#handoffp}),
     * sysmon's retake, stealing and an M's exit; the global queue is the caller's to add. Any
     * thread; racy, as its parts.
     */
    boolean hasWork() {
        return !runqEmpty() || timers.dueNow();
    }

    /** Hands every queued goroutine to {@code sink}. Owner only (shutdown). */
    void drain(java.util.function.Consumer<G> sink) {
        G next = putRunnext(null);
        if (next != null) {
            sink.accept(next);
        }
        runq.drain(sink);
    }

    // ---- counters ----

    void count(int slot) {
        COUNTERS.setOpaque(counters, slot, counters[slot] + 1);
    }

    void count(int slot, long n) {
        COUNTERS.setOpaque(counters, slot, counters[slot] + n);
    }

    int schedtick() {
        return schedtick;
    }

    /** A new time slice begins (a run not inherited from runnext). Owner only. */
    void tickSched() {
        SLICE_START.setOpaque(this, sched.coarseNanos());
        SCHEDTICK.setRelease(this, schedtick + 1);
    }

    /** For sysmon: the tick, after which {@link #sliceStart()} is that slice's start or a later one's. */
    int schedtickAcquire() {
        return (int) SCHEDTICK.getAcquire(this);
    }

    /** For sysmon, after {@link #schedtickAcquire()}: see {@link #sliceStart}. */
    long sliceStart() {
        return (long) SLICE_START.getOpaque(this);
    }

    /** Runs started on this P, for sysmon. */
    long runsOpaque() {
        return counter(C_RUNS);
    }

    /** The goroutine in {@code runnext}, for sysmon; may be stale. */
    G peekRunnext() {
        return runnext;
    }

    /** One sampled scheduling latency (ready to running) of a goroutine run on this P. Owner only. */
    void sampleLatency(long nanos) {
        count(C_LATENCY_SAMPLES);
        count(C_LATENCY_NANOS, nanos);
        int b = LatencyHistogram.bucketOf(nanos);
        COUNTERS.setOpaque(latencyBuckets, b, latencyBuckets[b] + 1);
    }

    /** A snapshot of the sampled latencies' histogram. Any thread. */
    LatencyHistogram latencyHistogram() {
        long[] copy = new long[LatencyHistogram.BUCKETS];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = (long) COUNTERS.getOpaque(latencyBuckets, i);
        }
        return new LatencyHistogram(id, copy);
    }

    private long counter(int slot) {
        return (long) COUNTERS.getOpaque(counters, slot);
    }

    /** A sampled run of goroutine {@code goid} waited {@code nanos}, long enough to report. Owner only. */
    void noteLongLatency(long goid, long nanos) {
        longLatencyGoid = goid;
        longLatencyNanos = nanos;
    }

    /** Takes the noted long latency: {@code {goid, nanos}}, or null. Sysmon. */
    long[] takeLongLatency() {
        if (longLatencyNanos == 0) {
            return null;
        }
        long goid = longLatencyGoid;
        long nanos = (long) LONG_LATENCY.getAndSet(this, 0L);
        return nanos == 0 ? null : new long[] {goid, nanos};
    }

    ProcStats stats() {
        return new ProcStats(id, counter(C_RUNNEXT_HITS), counter(C_LOCAL_POPS), counter(C_GLOBAL_GRABS),
                counter(C_STEALS_IN), stealsOut, counter(C_RUNS), runq.size(),
                counter(C_LATENCY_SAMPLES), counter(C_LATENCY_NANOS), counter(C_PREEMPTIONS), handoffs,
                timers.size(), timers.fired());
    }

    @Override
    public String toString() {
        return "P" + id + (isIdle() ? " idle" : " running") + " runq=" + runq.size();
    }
}
