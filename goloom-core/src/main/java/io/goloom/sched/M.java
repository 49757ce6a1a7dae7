package io.goloom.sched;

import io.goloom.Priority;
import io.goloom.WaitReason;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.locks.LockSupport;

/**
 * A carrier thread (Go's {@code m}): a platform thread that, while it holds a P, runs the
 * schedule loop and mounts goroutines' continuations. Ms are created on demand up to
 * {@code maxThreads} and park on the idle list when there is nothing to do.
 *
 * <h2>The schedule loop</h2>
 * <pre>
 *   loop:
 *     g = findRunnable()     // see below; parks this M when there is no work
 *     if spinning: stop spinning, wakep()
 *     run g: g.cont.run()    // returns when the goroutine parks, yields or ends
 * </pre>
 * {@link #findRunnable()} looks, in order: its P's due timers (which ready goroutines onto its
 * queue); the global queue's CRITICAL and HIGH lanes, unless the lower classes have their turn
 * (see {@code Priority}); the bulk lane if its turn is due; every 61st tick the global queue
 * first; runnext and the local queue; the global queue (a batch); the CRITICAL and HIGH lanes;
 * stealing (up to {@link #STEAL_TRIES} rounds over the other Ps in random order, half of a
 * victim's queue, its runnext in the last round, its due timers); the bulk lane (see
 * {@link GlobalQueue}). Tenants' lanes ({@link TenantShare}) come before the 61st-tick check
 * when the tenant most behind is behind the default tenant, or this P has none of the default
 * tenant's work, and again after stealing. Then it
 * drops its P and parks, following the "Spinning Ms" protocol in {@link Idle}.
 *
 * <p>It is a {@code ForkJoinWorkerThread} only so that the JDK's spin-then-park code can ask it
 * whether it has queued work ({@link #noteQueuedWork}); it never runs a ForkJoin task.
 */
final class M extends ForkJoinWorkerThread {

    /** Rounds over all Ps before a spinning M gives up (Go's {@code stealTries}). */
    static final int STEAL_TRIES = 4;

    /** Go looks at the global queue first every 61st tick: "a prime, to avoid patterns". */
    static final int GLOBAL_QUEUE_TICK = 61;
    /** See findRunnable: global-queue-first picks after preemptions before the local queue gets one. */
    static final int GLOBAL_TURNS = 3;

    private static final VarHandle RUN_SEQ, RUN_TIER, PREEMPT_SEQ, NICE_STATE;

    static {
        try {
            RUN_SEQ = MethodHandles.lookup().findVarHandle(M.class, "runSeq", int.class);
            RUN_TIER = MethodHandles.lookup().findVarHandle(M.class, "runTier", int.class);
            PREEMPT_SEQ = MethodHandles.lookup().findVarHandle(M.class, "preemptSeq", int.class);
            NICE_STATE = MethodHandles.lookup().findVarHandle(M.class, "niceState", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Scheduler sched;
    final int mid;

    // ---- owner-only (this thread) ----
    /**
     * The P this M holds, or null. Written by this thread, and by goroutine code on it in
     * {@code Go.blocking}, within the same run (which swaps in the P it took back; the run
     * check there keeps a later run of that goroutine from writing it); read racily by
     * observers. It may name a P sysmon has taken: ownership is in the P's status.
     */
    volatile P p;
    /** This carrier's spin hint ({@link VirtualThreads#spinHintOf}), or null when off. */
    private final Object spinHint;
    /**
     * What the hint says now. Owner-only: written by this thread, in its schedule loop or by
     * goroutine code mounted on it; stale-true after a thief emptied the queue, which only
     * makes a spin-then-park park at once, as it would on the JDK's scheduler.
     */
    private boolean hintQueued;
    /** True while this M is counted in {@link Idle#nmspinning}. Written by this M, and by whoever hands it a P while it is idle. */
    boolean spinning;
    /** Set by runqget/findRunnable: the G came from runnext and inherits the time slice. */
    boolean inheritTime;
    /**
     * The end of this M's last run waits in {@link #traceBuf} to share the next start's clock
     * read ({@link ExecTrace#goStop}). This M only; false whenever no trace records here, so
     * {@link #flushTraceEnd} costs tracing-off code one read of this field.
     */
    boolean traceEndPending;
    /** The park blocker class {@link #blockReason} saw last, and its reason. This M only. */
    private Class<?> lastBlockerClass;
    private WaitReason lastBlockerReason;
    /** The goroutine mounted now, or null. Written by this thread; read by goroutine code on it and by observers. */
    volatile G curg;
    private int rand;
    /**
     * The last {@code System.nanoTime()} this M read anyway (a tracked run, a wake-up). With
     * sysmon's coarse clock it stamps parking goroutines: sysmon's clock alone lagged 0.5 s on
     * a loaded machine, where the OS ran sysmon late; this one lags by a few runs.
     */
    private long lastNow;
    /**
     * With tenants ({@link TenantShare}): when this M's last charged run ended, so that a run
     * picked straight after it (runnext, the local queue, a tenant's lane) is charged from there
     * without a clock read of its own; 0 once this M has looked further (stealing) or parked,
     * time that is nobody's run. This M only.
     */
    private long chargeFrom;
    /**
     * Run time of the default tenant's goroutines on this M not yet added to it: one add per
     * {@link #ROOT_FLUSH_NANOS}, not per run (two shared counters every Ps' runs would write,
     * which cost a ping-pong round trip ~80 ns). This M only.
     */
    private long rootPending;
    /** See {@link #rootPending}: the default tenant's virtual runtime lags by at most this per M. */
    private static final long ROOT_FLUSH_NANOS = 50_000;

    /**
     * Set by a preempted goroutine as it yields: the next pick takes the global queue's head
     * first, where goroutines readied from outside (timers, I/O) wait while hogs hold every P.
     * Without it a preempted hog was followed by another hog from the local queue, and a woken
     * sleeper waited two slices. Written by goroutine code on this M, read and cleared by this M.
     */
    boolean globalFirst;
    /**
     * Set while this M fires timers: a goroutine they ready goes to runnext (Go's
     * {@code goready}), to run before the global turns a preempted hog left. This M only.
     */
    boolean firingTimers;
    /** Picks in a row after a preemption that went to the global queue. This M only. */
    private int globalTurns;
    /**
     * The goroutine locked to this M ({@code Go.lockOSThread}), or null, and how many times it
     * locked. Written by that goroutine's code on this M, and by this M when it ends.
     */
    G lockedg;
    int lockedDepth;
    /** The locked goroutine, handed back by {@link #startlockedm} with {@link #nextp}. Written before nextp. */
    G lockedRun;
    /** Runs started by this M; names the run a preemption request is for. Written by this M (opaque), read by sysmon. */
    private int runSeq;
    /**
     * The run sysmon (or a readier, under the fair policy) asked to yield ({@link #runSeq}
     * then), {@link #ANY_RUN}, or -1. Written by them, read by goroutine code on this M; racing
     * writers write runs of this M, and a request for a run that ended lapses.
     */
    private volatile int preemptSeq = -1;
    /**
     * {@link #preemptSeq} for "whatever run is current when it is read": a CRITICAL or HIGH
     * goroutine's readier asks so ({@link #requestPreemptOfAnyRun}), because the run it saw may
     * end before the request lands, and the next one, picked just before the goroutine was
     * queued, would then keep the P for a whole slice.
     */
    private static final int ANY_RUN = Integer.MIN_VALUE;
    /**
     * The next run is a pick from the bulk lane because nothing else was runnable: set by
     * findRunnable (or {@link Idle#releaseP} on its behalf), published by execute. This M only.
     */
    boolean pickedBulk;
    /**
     * The current run's class as a {@code G.TIER_*} value, for whoever looks for a lower run to
     * preempt ({@link Sysmon}, {@link Scheduler#preemptLowerRun}): the goroutine's class, except
     * that a pick from the bulk lane made because nothing else was runnable counts as BULK (it
     * yields as soon as other work waits) and one made on the lane's turn as NORMAL (the turn's
     * slice is the bounded share). Written by this M (opaque) as each run starts; read racily
     * by them: a stale value delays a request by a round, or asks a run that just started to
     * yield once, early.
     */
    private int runTier = G.TIER_NORMAL;
    /**
     * Urgent (CRITICAL or HIGH) picks in a row (any other run ends the streak), and CRITICAL
     * picks in a row while HIGH goroutines wait: what gives the lower classes their turns (see
     * "Lower classes do not starve" in {@code Priority}). This M only.
     */
    private int urgentTurns, criticalTurns;
    /** When the bulk lane's turn on this M ends, on the coarse clock (see findRunnable). This M only. */
    private long bulkTurnEnds;

    /*
     * Demoted carriers (see Sysmon), used only when Scheduler.threadNice is set. niceState names
     * the run it is about, so that a sysmon late for a run that ended cannot demote the next:
     *
     *   BETWEEN_RUNS (-1)                   no run: not demotable
     *   seq << 2 | NICE_NORMAL              run seq, at the default nice value
     *   seq << 2 | NICE_DEMOTING            sysmon retook run seq's P and is calling setpriority
     *   seq << 2 | NICE_DEMOTED             run seq's thread is demoted
     *
     * This M writes run seq's NORMAL before it mounts the P (so a sysmon that sees the mount
     * sees it) and, as the run ends, CASes it to BETWEEN_RUNS, restoring the nice value first if
     * DEMOTED, and waiting out DEMOTING (one system call). Sysmon CASes NORMAL -> DEMOTING ->
     * DEMOTED (or back to NORMAL if the OS refused); each CAS fails if the run is not the one
     * it read.
     */
    private static final int BETWEEN_RUNS = -1, NICE_NORMAL = 0, NICE_DEMOTING = 1, NICE_DEMOTED = 2;
    /** See "Demoted carriers" above. CAS by this M and sysmon. */
    private volatile int niceState = BETWEEN_RUNS;
    /**
     * This M's Linux thread id, and the nice value it runs at ({@link Scheduler#baseNice}),
     * when carriers may be demoted. Written by this M before its first run (published by niceState).
     */
    private int tid, baseNice;

    /**
     * This M's buffer in the execution trace that last recorded on it (or null): see
     * {@link ExecTrace}. Owner-only: read and written by code on this M's carrier (its loop and
     * the goroutine mounted on it, which that thread runs one after the other).
     */
    ExecTrace.Buf traceBuf;

    // ---- handed over by other threads ----
    /** A P handed to this M by startm before unparking it. Written by the waker, cleared by this M. */
    volatile P nextp;
    /** Link in the idle-M list. Guarded by the scheduler lock. */
    M idleLink;

    /** An unstarted M; {@link #startHolding} gives it its first P. */
    M(Scheduler sched, int mid) {
        // A ForkJoin worker (daemon, inheriting no thread locals) only for the spin hint.
        super(null, VirtualThreads.JDK.carrierPool(), false);
        setName(sched.name() + "-m-" + mid);
        this.sched = sched;
        this.mid = mid;
        this.rand = mid * 0x9E3779B9 | 1;
        this.spinHint = VirtualThreads.JDK.spinHintOf(this);
        this.bulkTurnEnds = sched.coarseNanos();   // no turn: the coarse clock only moves on
        setContextClassLoader(sched.contextClassLoader());
    }

    /**
     * Goroutine code on this M queued a goroutine on its P's local queue: the JDK's
     * spin-then-park code running on this carrier now parks at once, as on a ForkJoin carrier
     * with queued tasks (see {@link VirtualThreads#spinHintOf}), rather than spin while others
     * wait (skynet's spawn tree: 3.5 -> 1.1-1.4 s). A lone runnext does not count: a
     * ping-pong peer there is the one spin that pays off once a thief takes it (measured: the
     * pair then alternates on one P, parking, at 3x the round trip). This thread only.
     */
    void noteQueuedWork() {
        setSpinHint(true);
    }

    /** Writes the hint if it changes; before each run, from the P's local queue. This thread only. */
    private void setSpinHint(boolean queued) {
        if (queued != hintQueued && spinHint != null) {
            hintQueued = queued;
            VirtualThreads.JDK.setQueuedWork(spinHint, queued);
        }
    }

    /** Starts the thread holding {@code first}, spinning or not. */
    void startHolding(P first, boolean spin) {
        spinning = spin;   // race: written before start(), which happens-before run()
        nextp = first;
        start();
    }

    @Override
    public void run() {
        try {
            P first = nextp;
            nextp = null;
            if (sched.threadNice != null) {
                // A new thread inherits its creator's nice value, and a demoted run may create
                // carriers (a wakep from the hog): start from the runtime's own value.
                tid = sched.threadNice.tid();
                baseNice = sched.baseNice;
                if (sched.threadNice.get(tid) != baseNice) {
                    restoreNice();
                }
            }
            first.acquire(this);
            p = first;
            schedule();
        } catch (Throwable t) {
            sched.diagnostics().println("goloom: carrier " + getName() + " failed; this is a goloom bug");
            t.printStackTrace(sched.diagnostics());
        } finally {
            sched.mexit(this);
        }
    }

    /** The schedule loop. Returns when the runtime terminates or this M retires. */
    private void schedule() {
        for (;;) {
            if (p == null && !exitsyscall()) {
                return;
            }
            G g = findRunnable();
            if (g == null) {
                return;
            }
            if (spinning) {
                sched.idle.resetSpinning(this);
            }
            M owner = sched.lockedM(g);
            if (owner != null && owner != this) {
                pickedBulk = false;   // g's run is owner's, an ordinary one
                startlockedm(g, owner);   // Go's startlockedm: g runs on its own M, with our P
                if (!stopm()) {
                    return;
                }
                continue;
            }
            execute(g);
            while (lockedg != null && lockedg == g && g.thread().isAlive()) {
                // Go's stoplockedm: while its locked goroutine is not running, this M runs
                // nothing else; it gives its P away and waits to be handed g and a P back.
                if (!stoplockedm()) {
                    return;
                }
                execute(g);
            }
            if (lockedg == g) {
                sched.unlock(this, g);   // a locked goroutine ended: this M is free again
            }
        }
    }

    /**
     * Hands this M's P and {@code g}, locked to {@code owner}, to {@code owner}, which is
     * parked in {@link #stoplockedm}. This M is left without a P.
     */
    private void startlockedm(G g, M owner) {
        P pp = p;
        p = null;
        pp.release(this);
        owner.lockedRun = g;
        owner.handOff(pp, false);
    }

    /**
     * Gives this M's P away (if it still has one) and parks until {@link #startlockedm} hands
     * back the locked goroutine with a P.
     *
     * @return false when the runtime terminated
     */
    private boolean stoplockedm() {
        if (chargeFrom != 0) {
            endChargedStreak();
        }
        P pp = p;
        if (pp != null) {
            p = null;
            pp.release(this);
            sched.handoffp(pp);
        }
        for (;;) {
            P np = nextp;
            if (np != null && lockedRun != null) {
                nextp = null;
                lockedRun = null;
                np.acquire(this);
                p = np;
                inheritTime = false;
                return true;
            }
            if (sched.terminated) {
                return false;
            }
            LockSupport.park(this);
        }
    }

    /** Mounts {@code g} until it parks, yields or ends. Holds a P. */
    private void execute(G g) {
        P pp = p;
        if (!inheritTime) {
            pp.tickSched();
        }
        int tier = g.tier();
        if (tier >= G.TIER_NORMAL) {
            urgentTurns = 0;   // the urgent picks' streak is over
        } else if (preemptSeq == ANY_RUN) {
            // The request was for this: an urgent goroutine runs here. A CAS, so that a request
            // made meanwhile for another urgent one is not lost.
            PREEMPT_SEQ.compareAndSet(this, ANY_RUN, -1);
        }
        RUN_TIER.setOpaque(this, pickedBulk ? G.TIER_BULK : Math.min(tier, G.TIER_NORMAL));
        pickedBulk = false;
        RUN_SEQ.setOpaque(this, runSeq + 1);
        pp.count(P.C_RUNS);
        int running = g.markRunning();
        setSpinHint(!pp.runq.isEmpty());
        g.lastP = (short) pp.id;
        g.waitReason = 0;   // a reason is said again before each park (Go.setWaitReason)
        // With tenants every run is timed, for its tenant's share (see TenantShare).
        final boolean charged = sched.tenants.on;
        final boolean tracked = G.tracked(running);
        long start = 0;
        if (tracked || (charged && chargeFrom == 0)) {
            start = System.nanoTime();
            lastNow = start;
        } else if (charged) {
            start = chargeFrom;   // a straight pick: this run starts where the last one ended
        }
        if (tracked || charged) {
            long latency = start - g.schedNanos;
            if (charged && g.tenantIndex() != 0) {
                g.tenantShare().addWait(latency);   // stamped at every ready: exact
            }
            if (tracked) {
                pp.sampleLatency(latency);
                if (inheritTime) {
                    pp.noteRunnextLatency(latency);
                }
                g.schedNanos = start;
                if (latency >= SchedEvents.LONG_LATENCY_NANOS) {
                    pp.noteLongLatency(g.id, latency);   // sysmon records it (see SchedEvents)
                }
                if (charged && g.tenantIndex() == 0) {
                    sched.tenants.root().addWait(latency * G.TRACK_PERIOD);   // one run in TRACK_PERIOD is sampled
                }
            }
        }
        curg = g;
        // off: a load and a never-taken branch (see Scheduler.trace). A system goroutine (the
        // JDK's I/O pollers) is not the program's: not traced, as it is not dumped or counted.
        ExecTrace tr = sched.trace;
        if (tr != null && !g.system()) {
            // Before mount: from then sysmon may retake pp, and its Handoff must come later.
            tr.goStart(this, pp.id, g.id);
        }
        if (sched.threadNice != null) {
            niceState = (runSeq & 0x1fff_ffff) << 2;   // NICE_NORMAL for this run, before sysmon may retake
        }
        pp.mount(this);
        try {
            g.cont.run();
        } catch (Throwable t) {
            // The JDK's runContinuation does not throw for a task's exception (that goes to the
            // thread's handler); anything here is a JDK or goloom failure. Keep the carrier.
            sched.diagnostics().println("goloom: running " + g + " on " + getName() + " failed");
            t.printStackTrace(sched.diagnostics());
        }
        curg = null;
        if (charged) {
            endCharged(g, start);
        }
        // Go.blocking may have swapped the P while the goroutine ran; sysmon may have taken it.
        P after = p;
        if (!after.unmount(this)) {
            p = null;   // schedule() gets another one, or parks this M
        }
        if (sched.threadNice != null) {
            endRunNice();
        }
        // Dead in this run, not in a later one: a yield or park readies g before cont.run()
        // returns here, so another M may have re-run it, even to its end, by now (this M's
        // thread can lose its CPU at any point). Nobody readies a terminated thread, so if
        // it ended in this run its status is still this run's; a later run changed the status
        // (markRunning) before the thread could end, and the isAlive read comes first.
        boolean dead = !g.thread().isAlive() && g.stillRun(running);
        boolean waiting = false;
        if (!dead) {
            long coarse = sched.coarseNanos();   // the later of two cheap clocks: see lastNow
            waiting = g.markWaiting(running, coarse - lastNow > 0 ? coarse : lastNow);
        }
        tr = sched.trace;
        if (tr != null && !g.system()) {
            tr.goStop(this, dead ? ExecTrace.GO_END : waiting ? ExecTrace.GO_BLOCK : ExecTrace.GO_YIELDED,
                    pp.id, g.id, waiting ? blockReason(g) : 0);
            if (dead || p == null) {
                // A GoEnd is written before goexit (see below); and when sysmon took the P this M
                // goes elsewhere, not straight to a next run.
                flushTraceEnd();
            }
        }
        if (dead) {
            sched.goexit(g);   // after the GoEnd: once a runtime has no goroutines, every end is recorded
        }
    }

    /** Charges {@code g}'s run, which started at {@code start}, to its tenant (see {@link TenantShare}). */
    private void endCharged(G g, long start) {
        long end = System.nanoTime();
        lastNow = end;
        chargeFrom = end;
        TenantShare t = g.tenantShare();
        if (t.index == 0) {
            rootPending += end - start;
            if (rootPending >= ROOT_FLUSH_NANOS) {
                flushRootCharge();
            }
            return;
        }
        t.charge(end - start);
        if (g.tier() == G.TIER_NORMAL) {
            t.endRun(end);   // it came from its tenant's lane
        }
    }

    /** Adds {@link #rootPending} to the default tenant. This M. */
    private void flushRootCharge() {
        TenantShare root = sched.tenants.root();
        root.charge(rootPending);
        rootPending = 0;
        sched.globalQueue.defaultRan(root);
    }

    /** This M stops running goroutines for a while (it steals, or parks): what follows is nobody's run. This M. */
    private void endChargedStreak() {
        chargeFrom = 0;
        if (rootPending > 0) {
            flushRootCharge();
        }
    }

    /**
     * Why {@code g}, whose run on this M just ended parked, waits, as {@link G#codeOf}:
     * {@link G#classify} without a stack, with the last park blocker's class and reason
     * cached here, since an M sees the same few blockers over and over (a ClassValue lookup cost
     * a ping-pong round trip ~25 ns of tracing overhead).
     */
    private byte blockReason(G g) {
        if (g.waitReason != 0) {
            return g.waitReason;
        }
        Thread t = g.thread();
        Object blocker = LockSupport.getBlocker(t);
        if (blocker == null) {
            return G.codeOf(WaitReason.of(t, null, null));
        }
        Class<?> c = blocker.getClass();
        if (c != lastBlockerClass) {
            lastBlockerReason = c == Timer.class ? WaitReason.SLEEP : WaitReason.ofBlocker(c);
            lastBlockerClass = c;
        }
        return G.codeOf(lastBlockerReason);
    }

    /** Writes the end of this M's last run if it is still pending (see {@link ExecTrace#goStop}). */
    private void flushTraceEnd() {
        if (traceEndPending) {
            traceEndPending = false;
            traceBuf.flushEnd(System.nanoTime());
        }
    }

    /**
     * Finds a goroutine to run, parking this M (without its P) until there is one. Holds a P on
     * return. Returns null when the runtime terminates or this M retires.
     */
    private G findRunnable() {
        final Scheduler s = sched;
        top:
        for (;;) {
            if (s.terminated) {
                return null;
            }
            final P pp = p;
            G g;
            boolean fired = false;
            if (pp.timers.dueNow()) {
                flushTraceEnd();
                fired = runTimers(pp.timers) > 0;
            }
            // Priority classes: CRITICAL and HIGH first, but every URGENT_TURNS+1st pick looks
            // at the lower classes first (an urgent one still comes before stealing).
            if (s.globalQueue.urgentSize() > 0) {
                if (urgentTurns < Priority.URGENT_TURNS) {
                    if ((g = urgentPick(s)) != null) {
                        return g;
                    }
                } else {
                    urgentTurns = 0;
                }
            }
            // A woken sleeper runs now, ahead of the global turns (see firingTimers): behind
            // three 10 ms hog slices, cpuhog-checkpoint's probe p99 was 100 ms.
            if (fired && (g = pp.runqget(this)) != null) {
                inheritTime = false;
                return g;
            }
            // Fairness: otherwise two goroutines respawning each other could keep the local
            // queue busy forever and the global queue would never be looked at. After a
            // preemption the preempted goroutine is at the global tail: look there first if
            // someone is ahead of it (goroutines readied from outside wait there), but not
            // more than GLOBAL_TURNS times in a row while the local queue has work, or a
            // goroutine at its head waits behind every hog cycling through the global queue.
            boolean globalTurn = globalFirst && (globalTurns < GLOBAL_TURNS || pp.runqEmpty());
            if (globalFirst) {
                globalTurns = globalTurn ? globalTurns + 1 : 0;
                globalFirst = false;
            }
            // The bulk lane's turn (see GlobalQueue): at most a bulkTurn after its last one, for a
            // slice on this P. Each pick is an ordinary run, so a hog keeps the P for a slice, and
            // short BULK goroutines run one after another until the slice is over: the bulk
            // lane's bounded share.
            if (s.globalQueue.bulkSize() > 0) {
                long now = s.coarseNanos();
                boolean inTurn = now - bulkTurnEnds < 0;
                if ((inTurn || s.bulkTurnDue()) && (g = s.globrunqgetBulk()) != null) {
                    if (!inTurn) {
                        bulkTurnEnds = now + s.rules().sliceNanos();
                    }
                    inheritTime = false;
                    return g;
                }
            }
            // Tenants (see TenantShare): the one most behind, unless this P has the default
            // tenant's work and the default tenant is further behind.
            if (s.globalQueue.tenantSize() > 0) {
                boolean rootHasWork = !pp.runqEmpty() || s.globalQueue.normalSize() > 0;
                if ((!rootHasWork || s.globalQueue.tenantBehind(s.tenants.root()))
                        && (g = s.globrunqgetTenant(rootHasWork)) != null) {
                    inheritTime = false;
                    return g;
                }
            }
            if ((pp.schedtick() % GLOBAL_QUEUE_TICK == 0 && s.globalQueue.normalSize() > 0)
                    || (globalTurn && s.globalQueue.normalSize() > 1)) {
                if ((g = s.globrunqget(pp, 1)) != null) {
                    inheritTime = false;
                    return g;
                }
            }
            if ((g = pp.runqget(this)) != null) {
                return g;
            }
            flushTraceEnd();   // no straight pick: the run that ended is written now, stamped now
            if (chargeFrom != 0) {
                endChargedStreak();
            }
            if (s.globalQueue.normalSize() > 0 && (g = s.globrunqget(pp, 0)) != null) {
                inheritTime = false;
                return g;
            }
            if (s.globalQueue.urgentSize() > 0 && (g = urgentPick(s)) != null) {
                return g;
            }
            if (s.idle.startSpinning(this) && (g = stealWork(pp)) != null) {
                inheritTime = false;
                return g;
            }
            if (s.globalQueue.tenantSize() > 0 && (g = s.globrunqgetTenant(false)) != null) {
                inheritTime = false;
                return g;
            }
            if (s.globalQueue.bulkSize() > 0 && (g = s.globrunqgetBulk()) != null) {
                inheritTime = false;   // nothing else to run: the bulk lane's turn
                pickedBulk = true;
                return g;
            }

            // Nothing found: give up the P. See "Spinning Ms" in Idle for why this cannot miss
            // work submitted meanwhile.
            if ((g = s.idle.releaseP(this, pp)) != null) {
                inheritTime = false;
                return g;
            }
            if (p != null) {
                return null;   // terminated: releaseP kept the P
            }
            P np = s.idle.afterRelease(this);
            if (np != null) {
                np.acquire(this);
                p = np;
                continue top;
            }
            if (!stopm()) {
                return null;
            }
        }
    }

    /** A CRITICAL or HIGH goroutine from the global queue, HIGH's turn counted in; null if none. Holds a P. */
    private G urgentPick(Scheduler s) {
        G g = s.globrunqgetUrgent(criticalTurns >= Priority.URGENT_TURNS);
        if (g != null) {
            urgentTurns++;
            criticalTurns = g.tier() == G.TIER_CRITICAL && s.globalQueue.highWaits() ? criticalTurns + 1 : 0;
            inheritTime = false;
        }
        return g;
    }

    /**
     * Up to {@link #STEAL_TRIES} rounds over all other Ps in a random order; the last round may
     * take a victim's runnext. Holds a P with an empty local queue.
     */
    private G stealWork(P pp) {
        final Scheduler s = sched;
        final P[] allp = s.allp;
        final int n = allp.length;
        if (n == 1) {
            return null;
        }
        for (int round = 0; round < STEAL_TRIES; round++) {
            boolean last = round == STEAL_TRIES - 1;
            int r = nextRandom();
            int pos = s.stealOrder.start(r);
            int inc = s.stealOrder.increment(r);
            for (int i = 0; i < n; i++, pos = (pos + inc) % n) {
                P victim = allp[pos];
                // An idle P can hold work: one handed off while no M was free, or due timers.
                // It has no producer, so taking from it is a steal like any other.
                if (victim == pp || (victim.isIdle() && !victim.hasWork())) {
                    continue;
                }
                G g = pp.stealFrom(victim, last);
                if (g != null) {
                    return g;
                }
                // Go's stealWork runs a victim's due timers too: the goroutines they ready come
                // to our queue, rather than wait for a victim busy with one long goroutine.
                if (victim.timers.dueNow() && runTimers(victim.timers) > 0
                        && ((s.globalQueue.urgentSize() > 0 && (g = urgentPick(s)) != null) || (g = pp.runqget(this)) != null)) {
                    return g;   // an urgent goroutine a timer readied first: nobody else was asked to make room
                }
            }
            if (s.terminated) {
                return null;
            }
        }
        return null;
    }

    /**
     * Fires the due timers of {@code heap}: the goroutines they ready go to the tail of this M's
     * P's queue ("a timer fired by m" in {@link Scheduler#ready}). More than one wakes a thief.
     * Holds a P.
     *
     * <p>No more than fill half the queue: the rest stay in the heap, in due order, for the
     * next look. Filling it up would overflow half the queue to the global queue at the next
     * ready (a timer, or runnext moved to the tail), and the global queue gets one pick in 61
     * while local queues are busy: under a timer storm (wakeup16k) a few sleepers then waited
     * 200-700 ms while the median waited 5 ms.
     */
    private int runTimers(TimerHeap heap) {
        P pp = p;
        int room = pp.runq.capacity() / 2 - pp.runq.size();   // thieves only make more room
        if (room <= 0) {
            return 0;
        }
        firingTimers = true;
        int n;
        try {
            n = heap.run(System.nanoTime(), room);
        } finally {
            firingTimers = false;
        }
        if (n > 1) {
            sched.idle.wakep();
        }
        return n;
    }

    /**
     * Parks this M on the idle list until startm hands it a P. Holds no P.
     *
     * @return true with a P acquired, false when the runtime terminated
     */
    private boolean stopm() {
        if (chargeFrom != 0) {
            endChargedStreak();   // after a run whose P sysmon took (exitsyscall)
        }
        if (!sched.idle.mput(this)) {
            return false;
        }
        long idleSince = System.nanoTime();
        for (;;) {
            P np = nextp;
            if (np != null) {
                nextp = null;
                np.acquire(this);
                p = np;
                lastNow = System.nanoTime();
                return true;
            }
            if (sched.terminated) {
                return false;
            }
            long idleFor = System.nanoTime() - idleSince;
            if (idleFor >= sched.idleThreadTimeoutNanos) {
                if (sched.idle.retireIfSurplus(this)) {
                    return false;
                }
                idleSince = System.nanoTime();   // not surplus, or handed a P just now: wait on
                continue;
            }
            LockSupport.parkNanos(this, sched.idleThreadTimeoutNanos - idleFor);
        }
    }

    /**
     * Sysmon took this M's P while its goroutine ran (Go's {@code exitsyscall0}): takes an idle
     * P if there is one, else parks on the idle list until handed one.
     *
     * @return false when the runtime terminated or this M retired
     */
    private boolean exitsyscall() {
        P np = sched.idle.reacquire(this);
        if (np != null) {
            p = np;
            return true;
        }
        return stopm();
    }

    int runSeq() {
        return runSeq;
    }

    /**
     * The request was acted on; returns whether it was for an urgent goroutine ({@link #ANY_RUN}),
     * so that the yield does not demote the goroutine. Goroutine code on this M.
     */
    boolean clearPreempt() {
        // Atomic: an ANY_RUN that lands as this clears is seen, and so is the urgent goroutine
        // its readier queued before writing it, which this yield's schedule point then runs.
        return (int) PREEMPT_SEQ.getAndSet(this, -1) == ANY_RUN;
    }

    /**
     * Asks the goroutine running on this M now, if it is still that run, to yield at its next
     * checkpoint; leaves a pending {@link #ANY_RUN} alone, which covers this run too and the next.
     * Sysmon, or a readier.
     */
    void requestPreempt() {
        int run = (int) RUN_SEQ.getOpaque(this);
        for (int seq; (seq = preemptSeq) != ANY_RUN; ) {
            if (PREEMPT_SEQ.compareAndSet(this, seq, run)) {
                return;
            }
        }
    }

    /**
     * Asks the goroutine running on this M now, or the next one to run on it if the run ends
     * first, to yield at its next checkpoint: see {@link #ANY_RUN}. A request no run acts on
     * costs one yield later. A readier of a CRITICAL or HIGH goroutine.
     */
    void requestPreemptOfAnyRun() {
        preemptSeq = ANY_RUN;
    }

    /**
     * Sysmon, right after it retook this M's P from run {@code state} (the {@link #niceState}
     * it read while the P was mounted): lowers this thread's priority to {@code nice}, unless
     * that run has ended. Returns whether it did.
     */
    boolean demote(int state, ThreadNice threadNice, int nice) {
        if (state < 0 || (state & 3) != NICE_NORMAL || !NICE_STATE.compareAndSet(this, state, state | NICE_DEMOTING)) {
            return false;
        }
        boolean done = false;
        try {
            done = nice > baseNice && threadNice.set(tid, nice) == 0;
        } finally {
            niceState = done ? state | NICE_DEMOTED : state;   // only sysmon writes while DEMOTING; never left there
        }
        return done;
    }

    /** {@link #niceState} now, for sysmon to pass to {@link #demote}. */
    int niceState() {
        return niceState;
    }

    /** As a run ends (this M): BETWEEN_RUNS, restoring the nice value if sysmon demoted the run. */
    private void endRunNice() {
        for (;;) {
            int s = niceState;
            if ((s & 3) == NICE_DEMOTING && s >= 0) {
                Thread.onSpinWait();   // sysmon is in setpriority for this run
            } else if (NICE_STATE.compareAndSet(this, s, BETWEEN_RUNS)) {
                if (s >= 0 && (s & 3) == NICE_DEMOTED) {
                    restoreNice();
                }
                return;
            }
        }
    }

    /** Sets this thread's nice value back to the runtime's; says so once per runtime if the OS refuses. This M. */
    private void restoreNice() {
        int err = sched.threadNice.set(tid, baseNice);   // ThreadNice.open checked that it may
        if (err != 0) {
            sched.niceRestoreFailed(this, err);
        }
    }

    /** The current run's class (see {@link #runTier}). Any thread, racy. */
    int runTier() {
        return (int) RUN_TIER.getOpaque(this);
    }

    /** Whether the current run is a bulk-lane pick made with nothing else to run (see {@link #runTier}). Any thread, racy. */
    boolean runningBulk() {
        return runTier() == G.TIER_BULK;
    }

    /** Called by goroutine code mounted on this M: was this run asked to yield? */
    boolean preemptRequested() {
        int seq = preemptSeq;
        return seq == runSeq || seq == ANY_RUN;
    }

    /** Wakes this idle M with {@code np} (and the spinning flag). Caller took this M off the idle list. */
    void handOff(P np, boolean spin) {
        spinning = spin;    // race: written before the volatile nextp store, read by this M after reading nextp
        nextp = np;
        LockSupport.unpark(this);
    }

    private int nextRandom() {
        int x = rand;   // xorshift32
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        rand = x;
        return x;
    }

    /** The M the caller runs on, or null when the caller is not on a goloom carrier. */
    static M current() {
        return VirtualThreads.JDK.currentCarrierThread() instanceof M m ? m : null;
    }
}
