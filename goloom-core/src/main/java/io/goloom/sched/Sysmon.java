package io.goloom.sched;


import java.util.concurrent.locks.LockSupport;

/**
 * The system monitor (Go's {@code sysmon}): one platform thread per runtime that holds no P and
 * watches the Ps from outside the schedule loop. Each round it
 * <ol>
 *   <li><b>asks for preemption</b> of a P's goroutine that has run longer than
 *       {@code preemptAfter} without the P scheduling anew (Go's {@code retake} /
 *       {@code preemptone}): the P's {@code schedtick} has not moved since the slice began
 *       that long ago (the P stamps the start on the coarse clock; Go's sysmon starts the clock
 *       when it first sees the tick, a round late), or, under the fair policy, for its {@code slice} while other work waits
 *       for the P ({@link #othersWait}); or at once, when a CRITICAL or HIGH goroutine waits
 *       and the run is of a lower class (one run per waiting goroutine), or the run is a bulk
 *       pick made with nothing else to run and other work waits. The goroutine yields to the
 *       global queue (the bulk lane under the fair policy) at its next {@code Go.checkpoint()}
 *       (cooperative: a mounted virtual thread cannot be stopped);
 *   <li><b>retakes</b> a P whose M has been running one goroutine for {@code retakeAfter}
 *       (blocked in its carrier or computing; Go's {@code retake} of a P in a syscall) when
 *       there is queued work that P could run: {@link P#retake} and
 *       {@link Scheduler#handoffp}. This is what a CPU hog without checkpoints, or a goroutine
 *       parked while pinned, cannot prevent;
 *   <li><b>wakes a thief for a stale {@code runnext}</b>: a P that started no run for a whole
 *       round while a goroutine waits in its {@code runnext}, another P idles and no M spins.
 *       The readier is computing instead of blocking, so the readied goroutine would wait for
 *       it; a spinning M steals it (see "runnext and waking" in {@link P});
 *   <li><b>sees to timers nobody else runs</b>. An idle P with due timers goes to an M, which
 *       runs them into that P's queue (Go's sysmon starts an M for them; sysmon runs them
 *       itself only when no M is free). Due timers of a busy P: while a P idles, sysmon wakes
 *       a spinning M, which runs them as it steals; they count as work for a retake (2); and
 *       if the P is still stuck past {@code retakeAfter} (no M was free), sysmon runs them.
 *       It does not run a merely busy P's timers itself: their goroutines would go to the
 *       global queue, which gets one pick in 61 while local queues are busy, and under
 *       wakeup16k on a loaded machine (an M the OS deschedules for a millisecond looks busy)
 *       some sleepers then waited 200-500 ms.
 * </ol>
 *
 * <p>Sleep: 20 us, doubling after 50 rounds in which nothing was found to do, up to 10 ms
 * (Go's constants), but at most a quarter of the shorter of {@code preemptAfter} and
 * {@code retakeAfter} (and of the fair policy's slice, or its default under another policy,
 * while bulk work exists): a slice then overruns by at most a quarter before the request (Go's
 * 10 ms rounds let a 10 ms slice run 10-20 ms; measured
 * here, that put a sleeper's p50 behind hogs at 39 ms). A preemption request does not count as
 * something done (as in Go, where only a hand-off does). Every sleep ends by the earliest timer
 * of an idle P; while every P is idle sysmon parks until then, or until {@link Scheduler} wakes
 * it, when a P leaves the idle list. A timer added to an idle P earlier than sysmon's planned
 * wake-up ({@link #timerWakeAt}) unparks it: Dekker, as sysmon publishes the wake-up, then reads
 * the heaps, and the adder pushes, then reads the wake-up.
 *
 * <p><b>Demoted carriers</b> ({@code GoRuntime.Builder.retakenCarrierNice}, off by default).
 * A retaken goroutine that computes keeps its OS thread, which Linux time-slices equally with
 * the carriers that hold Ps, so goroutines queued behind those Ps get about
 * {@code procs / (procs + hogs)} of the CPU. With it on, sysmon sets the retaken carrier's nice
 * value ({@link ThreadNice}) right after the hand-off, and the carrier restores its own as that
 * run ends, before it looks for a P ({@link M#demote}): the OS then gives the hog a nice-19
 * weight (15 against 1024) while carriers with Ps want the CPU, and all of it otherwise. The
 * cost: a goroutine that was retaken while blocked (pinned in a class initializer, file I/O)
 * computes at that weight after it wakes, until its run ends, and a monitor it holds meanwhile
 * is released late; and two system calls per hand-off.
 *
 * <p>All of sysmon's reads of P and M state are racy by design (opaque reads of fields their
 * owners write); a stale read delays or repeats a request by one round. A request names the
 * M's run current when it is made ({@link M#requestPreempt}), so it lapses when that run ends;
 * race: if the M moved on between sysmon's look at the P and the request, the run that just
 * started is asked to yield once, early. Go's {@code preemptone} has the same window. The same
 * window lets a retake take the P from a run that just started; that run goes on without a P
 * and its M takes another one when it returns, as after any hand-off.
 */
final class Sysmon implements Runnable {

    static final long MIN_DELAY_NANOS = 20_000, MAX_DELAY_NANOS = 10_000_000;
    /** Rounds with nothing done before the sleep starts doubling (Go: 50, i.e. ~1 ms). */
    private static final int IDLE_ROUNDS_BEFORE_BACKOFF = 50;

    private final Scheduler sched;
    private final long preemptAfterNanos;
    private final long retakeAfterNanos;
    private final long maxDelayNanos;

    // ---- sysmon-only state, per P (Go's sysmontick) ----
    private final int[] seenTick;
    private final long[] seenTickSince;
    private final long[] seenRuns;
    private final long[] seenRunsSince;

    /** The sysmon thread. Set once, under the scheduler lock, before it starts; volatile publish. */
    private volatile Thread thread;
    /** Parked because every P was idle. Guarded by the scheduler lock. */
    private boolean sleepingIdle;
    /** The maxThreads message has been printed. Sysmon only. */
    private boolean maxThreadsReported;
    /** When sysmon next looks at timers (nanoTime). Written by sysmon before it parks; read by timer adders. */
    private volatile long timerWakeAt;

    Sysmon(Scheduler sched, long preemptAfterNanos, long retakeAfterNanos) {
        this.sched = sched;
        this.preemptAfterNanos = preemptAfterNanos;
        this.retakeAfterNanos = retakeAfterNanos;
        this.maxDelayNanos = Math.max(MIN_DELAY_NANOS,
                Math.min(MAX_DELAY_NANOS, Math.min(preemptAfterNanos, retakeAfterNanos) / 4));
        int n = sched.allp.length;
        this.seenTick = new int[n];
        this.seenTickSince = new long[n];
        this.seenRuns = new long[n];
        this.seenRunsSince = new long[n];
    }

    /** Starts the thread. Called once, with the first M. */
    void start() {
        thread = new Thread(null, this, sched.name() + "-sysmon", 0, false);
        thread.setDaemon(true);
        thread.start();
    }

    Thread thread() {
        return thread;
    }

    /** Wakes sysmon from an all-idle sleep. Caller holds the scheduler lock. */
    void wakeFromIdle() {
        if (sleepingIdle) {
            sleepingIdle = false;
            sched.tickCoarseClock(System.nanoTime());   // it stood still while every P idled
            LockSupport.unpark(thread);
        }
    }

    /** Wakes sysmon if a timer of an idle P is due at {@code when}, before it planned to look. Any thread. */
    void wakeForTimer(long when) {
        Thread t = thread;
        if (t != null && when - timerWakeAt < 0) {
            LockSupport.unpark(t);
        }
    }

    /** Wakes sysmon whatever it is doing, so that it sees termination. Any thread. */
    void wakeToExit() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public void run() {
        long delay = MIN_DELAY_NANOS;
        int idleRounds = 0;
        while (!sched.terminated) {
            if (idleRounds == 0) {
                delay = MIN_DELAY_NANOS;
            } else if (idleRounds > IDLE_ROUNDS_BEFORE_BACKOFF) {
                delay = Math.min(delay * 2, maxDelay());
            }
            sleep(delay);
            if (sleepIfAllIdle()) {
                idleRounds = 0;
                continue;
            }
            long now = System.nanoTime();
            sched.tickCoarseClock(now);
            idleRounds = round(now) ? 0 : idleRounds + 1;
        }
    }

    /**
     * The longest sleep between rounds: a quarter of the fair policy's slice (its default's under
     * another policy) while CRITICAL or HIGH goroutines wait (sysmon asks again for them each
     * round) or bulk work exists (queued in the bulk lane, or running as a bulk pick, which
     * yields as soon as other work waits), else the usual. Without either the short rounds buy
     * nothing but CPU taken from the carriers.
     */
    private long maxDelay() {
        if (sched.globalQueue.urgentSize() == 0 && !bulkWorkExists()) {
            return maxDelayNanos;
        }
        return Math.max(MIN_DELAY_NANOS, Math.min(maxDelayNanos, sched.rules().sliceNanos() / 4));
    }

    /** Whether the bulk lane holds goroutines or a P runs a bulk pick. Racy reads: a stale one costs a round. */
    private boolean bulkWorkExists() {
        if (sched.globalQueue.bulkSize() > 0) {
            return true;
        }
        for (P pp : sched.allp) {
            M m = pp.mountedBy();
            if (m != null && m.runningBulk()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a goroutine other than {@code pp}'s running one waits for a P (the fair policy's
     * contended slice): in pp's run queue or its due timers, or in the global queue
     * ({@link #globalWorkWaits}). Racy reads: a stale one delays or advances a request by a round.
     */
    private boolean othersWait(P pp) {
        return pp.hasWork() || globalWorkWaits();
    }

    /**
     * Whether the global queue has work that should not wait for a P: its normal lane's, or the
     * bulk lane's once its turn is due (before that, the bulk lane waits by design, and is no
     * reason to preempt a run or hand a P off). Racy reads.
     */
    private boolean globalWorkWaits() {
        GlobalQueue q = sched.globalQueue;
        return q.normalSize() > 0 || q.urgentSize() > 0 || (q.bulkSize() > 0 && sched.bulkTurnDue());
    }

    /** Sleeps {@code delay}, or until an idle P's earliest timer if that comes first. */
    private void sleep(long delay) {
        long now = System.nanoTime();
        long wakeAt = now + delay;
        timerWakeAt = wakeAt;                 // publish, then read the heaps (see the class comment)
        long t = earliestIdleTimer();
        if (t != TimerHeap.NONE && t - wakeAt < 0) {
            wakeAt = t;
            timerWakeAt = t;
        }
        if (wakeAt - now > 0) {
            LockSupport.parkNanos(this, wakeAt - now);
        }
    }

    /**
     * Parks if every P is idle (Go's {@code sysmonwait}), until a P leaves the idle list.
     *
     * @return true if it parked
     */
    private boolean sleepIfAllIdle() {
        synchronized (sched.lock) {
            if (sched.terminated || sched.idle.npidle < sched.procs) {
                return false;
            }
            sleepingIdle = true;
        }
        parkWhileIdle();
        return true;
    }

    /**
     * Parks while every P is idle, waking for their timers; {@link #wakeFromIdle} clears
     * {@link #sleepingIdle} and unparks when a P leaves the idle list.
     */
    private void parkWhileIdle() {
        while (!sched.terminated) {
            synchronized (sched.lock) {
                if (!sleepingIdle) {
                    return;
                }
            }
            long now = System.nanoTime();
            runIdleTimers(now);
            timerWakeAt = now + Timer.MAX_DELAY_NANOS;
            long t = earliestIdleTimer();
            if (t == TimerHeap.NONE) {
                LockSupport.park(this);
            } else {
                timerWakeAt = t;
                if (t - now > 0) {
                    LockSupport.parkNanos(this, t - now);
                }
            }
        }
    }

    /** The earliest timer of the idle Ps, or NONE. */
    private long earliestIdleTimer() {
        long earliest = TimerHeap.NONE;
        for (P pp : sched.allp) {
            long e = pp.timers.earliest();
            if (e != TimerHeap.NONE && pp.listedIdle && (earliest == TimerHeap.NONE || e - earliest < 0)) {
                earliest = e;
            }
        }
        return earliest;
    }

    private void runIdleTimers(long now) {
        for (P pp : sched.allp) {
            if (pp.listedIdle && pp.timers.dueNow()) {
                runIdleTimers(pp, now);
            }
        }
    }

    /** Due timers of idle {@code pp}: an M takes the P and runs them; if no M is free, sysmon does. */
    private void runIdleTimers(P pp, long now) {
        if (!startmForTimers(pp)) {
            pp.timers.run(now);
        }
    }

    /**
     * Gives idle {@code pp}, which has due timers, to an M, which runs them into pp's own queue
     * (Go's sysmon starts an M for timers). Firing them from sysmon instead sends their
     * goroutines to the global queue, which gets one pick in 61 while local queues are busy:
     * under wakeup16k some sleepers then waited 300-700 ms.
     *
     * @return false if no M was free: the caller runs them itself
     */
    private boolean startmForTimers(P pp) {
        synchronized (sched.lock) {
            if (sched.terminated) {
                return false;
            }
            if (!sched.idle.pidleremove(pp)) {
                return true;   // taken meanwhile: its new owner runs them
            }
        }
        return sched.idle.startmOn(pp, false);
    }

    /**
     * Whether {@code pp}, whose M is stuck, should be handed off: there is work it could run (its
     * own, or the global queue's ({@link #globalWorkWaits}) while no P is idle to take that), and
     * an M to run it.
     */
    private boolean worthHandingOff(P pp) {
        if (!pp.hasWork() && (!globalWorkWaits() || sched.idle.npidle > 0)) {
            return false;
        }
        synchronized (sched.lock) {
            if (sched.idle.canStartM()) {
                return true;
            }
        }
        if (!maxThreadsReported) {
            maxThreadsReported = true;
            sched.diagnostics().println("goloom: runtime \"" + sched.name() + "\" has " + sched.maxThreads
                    + " carrier threads (maxThreads) and none is free: a P whose carrier is stuck in one goroutine"
                    + " cannot be handed off, so the goroutines queued on it wait until it returns. Raise"
                    + " GoRuntime.builder().maxThreads(...) if carriers block for long. (Reported once.)");
        }
        return false;
    }

    /**
     * One look at every P.
     *
     * @return true if sysmon handed a P off or woke an M (its next round comes soon after)
     */
    private boolean round(long now) {
        boolean acted = false;
        // Read once, so that a round is under one policy.
        PolicyRules rules = sched.rules();
        long contendedSlice = rules.contendedSliceNanos(), slice = rules.sliceNanos();
        int urgentTier = sched.globalQueue.urgentTier();   // G.TIER_NORMAL when no CRITICAL or HIGH goroutine waits
        int urgentAsks = sched.globalQueue.urgentSize();   // one run asked to yield per waiting goroutine
        ThreadNice threadNice = sched.threadNice;
        P[] allp = sched.allp;
        for (int i = 0; i < allp.length; i++) {
            P pp = allp[i];
            long[] longLatency = pp.takeLongLatency();
            if (longLatency != null) {
                SchedEvents.longScheduleLatency(sched, longLatency[0], pp, longLatency[1]);
            }
            int tick = pp.schedtickAcquire();
            long runs = pp.runsOpaque();
            boolean sameRun = runs == seenRuns[i];
            if (!sameRun) {
                seenRuns[i] = runs;
                seenRunsSince[i] = now;
            }
            long timer = pp.timers.earliest();
            if (timer != TimerHeap.NONE && now - timer >= 0 && pp.listedIdle) {
                runIdleTimers(pp, now);
            }
            M m = pp.mountedBy();
            if (m == null) {
                continue;
            }
            int run = threadNice != null ? m.niceState() : 0;   // read while m is mounted on pp: see demote
            if (sameRun && now - seenRunsSince[i] >= retakeAfterNanos && worthHandingOff(pp)
                    && pp.retake(m)) {
                G held = m.curg;
                sched.handoffp(pp);   // first: the event is for observers, the queued work is waiting
                if (threadNice != null) {
                    m.demote(run, threadNice, sched.retakenNice);   // "Demoted carriers"
                }
                SchedEvents.handoff(sched, pp, m, held, now - seenRunsSince[i]);
                acted = true;
                continue;
            }
            if (tick != seenTick[i]) {
                // The slice's start as the P stamped it on the coarse clock, which is up to a round
                // early: Go starts the clock when sysmon first sees the new tick, up to a round late,
                // so its 10 ms slices ran 10-15 ms here (cpuhog-checkpoint's sleeper p99 13-15 ms).
                // No earlier than a round ago: the clock may be older after an all-idle park.
                seenTick[i] = tick;
                seenTickSince[i] = Math.max(pp.sliceStart(), now - maxDelayNanos);
            } else {
                long ran = now - seenTickSince[i];
                // A run of a lower class than a waiting CRITICAL or HIGH goroutine yields at once
                // (its readier asked already; this is for a request that lapsed), and so does a
                // bulk pick made with nothing else to run once other work waits. A CRITICAL or
                // HIGH run yields after a slice while others wait, so that the lower classes'
                // turns (see Priority) come often, and so does a BULK goroutine in its bulk turn
                // (under Go's policy, which has no contended slice, it would keep a 10 ms one).
                // Under the fair policy any other run yields after its slice while others wait
                // (CFS's wake-up preemption and minimum granularity).
                int tier = m.runTier();
                G cur = m.curg;   // racy: a stale one misjudges a BULK goroutine's turn for a round
                boolean bulkClass = cur != null && cur.tier() == G.TIER_BULK;
                if (urgentAsks > 0 && tier > urgentTier) {
                    urgentAsks--;
                    m.requestPreemptOfAnyRun();
                } else if (ran >= preemptAfterNanos || ((ran >= contendedSlice || tier == G.TIER_BULK
                        || ((tier < G.TIER_NORMAL || bulkClass) && ran >= slice)) && othersWait(pp))) {
                    m.requestPreempt();
                }
            }
            if (timer != TimerHeap.NONE && now - timer >= 0) {
                if (sameRun && now - seenRunsSince[i] >= retakeAfterNanos) {
                    // Stuck past retakeAfter and not handed off: no M is free. Its goroutine may
                    // be the sleeper itself, parked while pinned (a Go.sleep in a class
                    // initializer), which only this fire can wake.
                    pp.timers.run(now);
                } else if (sched.idle.hasIdlePAndNoSpinning()) {
                    sched.idle.wakep();   // a spinning M runs them (stealWork), into its own queue
                    acted = true;
                }
            }
            if (sameRun && pp.peekRunnext() != null && sched.idle.hasIdlePAndNoSpinning()) {
                sched.idle.wakep();
                acted = true;
            }
        }
        return acted;
    }
}
