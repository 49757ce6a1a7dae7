package io.goloom.sched;

import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Idle Ps, idle Ms and spinning Ms: who runs, who looks for work, who parks (Go's
 * {@code pidle}, {@code midle}, {@code nmspinning}, {@code wakep}, {@code startm}, {@code stopm}
 * and the end of {@code findRunnable}). Both halves of the protocol live here: the side that
 * submits work and wakes an M, and the side of an M that finds none and gives up its P.
 *
 * <h2>Spinning Ms</h2>
 * We want to keep enough Ms running to use the Ps while work exists, and to park Ms when it
 * does not; waking a thread costs microseconds and parking too eagerly loses work. Go's
 * answer, followed here: an M without work first <em>spins</em> (looks for work to steal) and
 * at most half of the busy Ps have a spinning M ({@link #startSpinning}). New work wakes an M
 * only if there is an idle P and no M is spinning ({@link #wakep()}); a spinning M that finds
 * work calls {@code wakep()} in turn ({@link #resetSpinning}), so spinning Ms come and go one
 * at a time as work appears. One departure: a lone goroutine put in {@code runnext} by a
 * readier that is about to block wakes nobody unless the P has shown that its owner is slow to
 * run its runnext ("runnext and waking" in {@link P}): the readier's M runs it in a moment, and
 * waking a thief for it is what makes message passing slow on schedulers that always do.
 *
 * <p>No lost wake-ups. Two protocols, each a store, a full fence, and a load:
 * <ol>
 *   <li><b>Submit</b>: publish the work (run queue tail, runnext, global queue), full fence,
 *       then read {@code npidle} and {@code nmspinning} ({@link #wakep()}).
 *   <li><b>Stop spinning</b>: put the P on the idle list ({@link #releaseP}), decrement
 *       {@code nmspinning} (a full fence), then re-check the global queue and every P's run
 *       queue ({@link #afterRelease}), taking an idle P back if work is there.
 * </ol>
 * Either the submitter sees the spinning M (which then sees the work) or sees
 * {@code nmspinning == 0} with an idle P and wakes an M. An M that was not spinning checks the
 * global queue under the lock before it puts its P on the idle list, and a submitter to the
 * global queue takes the same lock, so one of them sees the other. That leaves work put on a
 * run queue while every P is held, one of them by an M that is about to give its P up without
 * spinning (it saw another M counted as spinning, e.g. a {@code wakep} in progress):
 * <ol start="3">
 *   <li><b>Need spinning</b> (Go master's {@code needspinning}): a submitter that finds no
 *       idle P sets {@link #needSpinning}, full fence, and reads {@code npidle} again; an M
 *       that gives up its P increments {@code npidle}, full fence, and reads
 *       {@code needSpinning}; if set, it clears it and re-checks as in protocol 2. Either the
 *       submitter sees the idle P and wakes an M for it, or the M sees the note. Found by a
 *       test with {@code maxThreads == procs}: the window is a few hundred nanoseconds.
 * </ol>
 *
 * <h2>Locking</h2>
 * The scheduler's one lock ({@code Scheduler.lock}) guards the idle lists, the list of all Ms
 * and the {@link GlobalQueue}; methods that need it say so and assert it. It is never held
 * while blocking and never taken on the runnext or local-queue paths.
 */
final class Idle {

    private final Scheduler sched;
    private final Object lock;
    private final int maxThreads;

    // ---- guarded by lock ----
    private P pidle;
    private M midle;
    private final List<M> allm = new ArrayList<>();
    /** Ms alive or being created (allm may lag behind while one starts). */
    private int mcount;
    private int nextMid;

    /** Idle Ps: written under lock, read anywhere (volatile). */
    volatile int npidle;
    /** Ms spinning (looking for work with a P). CAS / atomic add; see "Spinning Ms". */
    final AtomicInteger nmspinning = new AtomicInteger();
    /**
     * A wake-up found no idle P (or no M to give it to): the next M that gives up its P must
     * look for work again before it parks (Go's {@code sched.needspinning}). Set by
     * {@link #wakep}/{@link #startm}, cleared by the M that acts on it; volatile, and a stale
     * {@code true} only costs one extra look. See "Spinning Ms", protocol 3.
     */
    volatile boolean needSpinning;

    /**
     * The first {@code procs} Ms, built (not started) together so that their thread ids are
     * consecutive: the JDK puts a timed park ({@code Thread.sleep}) of a custom-scheduled virtual
     * thread on timer queue {@code carrierThreadId & (queues - 1)} (see
     * {@code JdkVirtualThreads.spreadJdkTimers}), and Ms created one by one, as goroutines
     * (which take thread ids too) come and go, can all land on one queue: measured here, 0.64 vs
     * 1.0 M wake-ups/s. Started on demand by {@link #newm}. Final array; each element is
     * started at most once, under the mid reservation made in {@link #startmOn}.
     */
    private final M[] firstMs;

    Idle(Scheduler sched, int maxThreads) {
        this.sched = sched;
        this.lock = sched.lock;
        this.maxThreads = maxThreads;
        this.firstMs = new M[sched.procs];
        for (int i = 0; i < firstMs.length; i++) {
            firstMs[i] = new M(sched, i);
        }
        synchronized (lock) {
            for (int i = sched.procs - 1; i >= 0; i--) {
                pidleput(sched.allp[i]);
            }
        }
    }

    // ---- idle Ps ----

    /** Puts {@code pp} on the idle list. Caller holds the lock. */
    void pidleput(P pp) {
        assert Thread.holdsLock(lock);
        pp.idleLink = pidle;
        pp.listedIdle = true;
        pidle = pp;
        npidle++;
        long when = pp.timers.earliest();
        if (when != TimerHeap.NONE) {
            sched.sysmon.wakeForTimer(when);   // nobody else runs an idle P's timers
        }
    }

    /** Takes an idle P, or null. Caller holds the lock. */
    P pidleget() {
        assert Thread.holdsLock(lock);
        P pp = pidle;
        if (pp != null) {
            pidle = pp.idleLink;
            pp.idleLink = null;
            pp.listedIdle = false;
            npidle--;
            sched.sysmon.wakeFromIdle();
        }
        return pp;
    }

    /**
     * Takes {@code pp} itself off the idle list. Caller holds the lock.
     *
     * @return false if it was not there (taken meanwhile)
     */
    boolean pidleremove(P pp) {
        assert Thread.holdsLock(lock);
        P prev = null, cur = pidle;
        while (cur != null && cur != pp) {
            prev = cur;
            cur = cur.idleLink;
        }
        if (cur == null) {
            return false;
        }
        if (prev == null) {
            pidle = pp.idleLink;
        } else {
            prev.idleLink = pp.idleLink;
        }
        pp.idleLink = null;
        pp.listedIdle = false;
        npidle--;
        sched.sysmon.wakeFromIdle();
        return true;
    }

    /** Racy: a P is idle and no M spins, so nobody would pick up stealable work now. */
    boolean hasIdlePAndNoSpinning() {
        return npidle > 0 && nmspinning.get() == 0;
    }

    // ---- idle Ms ----

    /**
     * Puts {@code m} on the idle list, or, if a wake-up was dropped since the M last looked
     * ({@link #needSpinning}), hands it an idle P to spin with instead. Caller holds no P.
     *
     * @return false, doing nothing, when the runtime has terminated (the M should exit)
     */
    boolean mput(M m) {
        synchronized (lock) {
            if (sched.terminated) {
                return false;
            }
            if (needSpinning) {
                P pp = pidleget();
                if (pp != null) {
                    needSpinning = false;
                    nmspinning.incrementAndGet();
                    m.spinning = true;
                    m.nextp = pp;      // stopm() finds it and does not park
                    return true;
                }
            }
            m.idleLink = midle;
            midle = m;
            return true;
        }
    }

    /** Takes an idle M, or null. Caller holds the lock. */
    M mget() {
        assert Thread.holdsLock(lock);
        M m = midle;
        if (m != null) {
            midle = m.idleLink;
            m.idleLink = null;
        }
        return m;
    }

    /** Ms alive or being created. Caller holds the lock. */
    int mcount() {
        assert Thread.holdsLock(lock);
        return mcount;
    }

    /** Whether another M could be had: an idle one, or room under maxThreads. Caller holds the lock. */
    boolean canStartM() {
        assert Thread.holdsLock(lock);
        return midle != null || mcount < maxThreads;
    }

    /** A copy of the list of every M, for snapshots and termination. Caller holds the lock. */
    List<M> allm() {
        assert Thread.holdsLock(lock);
        return new ArrayList<>(allm);
    }

    /** The idle Ms, head first. Caller holds the lock. */
    M idleMs() {
        assert Thread.holdsLock(lock);
        return midle;
    }

    // ---- submitting work: waking an M (protocol 1) ----

    /**
     * Wakes an M to run or steal new work if a P is idle and no M is spinning. The "submit"
     * protocol of "Spinning Ms": the caller published the work before calling. Any thread.
     */
    void wakep() {
        VarHandle.fullFence();   // the work's publication is visible before we read who spins
        if (nmspinning.get() != 0) {
            return;              // that M re-checks every source when it stops spinning
        }
        if (npidle == 0) {
            // Every P is held; one may be on its way to the idle list right now (protocol 3).
            if (!needSpinning) {
                needSpinning = true;
            }
            VarHandle.fullFence();
            if (npidle == 0) {
                return;
            }
        }
        if (nmspinning.compareAndSet(0, 1)) {
            startm(true);
        }
    }

    /**
     * Gives an idle P to an idle or new M. With {@code spinning}, the caller has already counted
     * the M in {@code nmspinning} and the count is undone if there is no idle P.
     */
    void startm(boolean spinning) {
        P pp;
        synchronized (lock) {
            pp = sched.terminated ? null : pidleget();
            if (pp == null) {
                needSpinning = true;
                if (spinning) {
                    nmspinning.decrementAndGet();
                }
                return;
            }
        }
        startmOn(pp, spinning);
    }

    /**
     * Gives {@code pp} (off the idle list, or just retaken) to an idle or new M. With
     * {@code spinning}, the caller counted the M in {@code nmspinning}; the count is undone if
     * there is no M for it.
     *
     * @return false if there was none: {@code pp} went back to the idle list
     */
    boolean startmOn(P pp, boolean spinning) {
        M m;
        int mid = -1;
        synchronized (lock) {
            if (sched.terminated) {
                pp.drain(sched.shutdown::runAfterClose);   // unowned: nobody else can reach it now
                pidleput(pp);
                if (spinning) {
                    nmspinning.decrementAndGet();
                }
                return false;
            }
            m = mget();
            if (m == null) {
                if (mcount >= maxThreads) {
                    // Every M exists and none is idle: one of them is on its way to mput() or
                    // busy. Leave the P idle and let the next M to park spin instead.
                    pidleput(pp);
                    needSpinning = true;
                    if (spinning) {
                        nmspinning.decrementAndGet();
                    }
                    return false;
                }
                mid = nextMid++;
                mcount++;
            }
        }
        if (m != null) {
            m.handOff(pp, spinning);
        } else {
            newm(mid, pp, spinning);
        }
        return true;
    }

    private void newm(int mid, P pp, boolean spinning) {
        M m = mid < firstMs.length ? firstMs[mid] : new M(sched, mid);
        // Started under the lock: termination joins every M of allm, and joining a thread that
        // was published but not yet started throws IllegalThreadStateException.
        synchronized (lock) {
            allm.add(m);
            sched.startSysmon();
            m.startHolding(pp, spinning);
        }
    }

    // ---- an M without work (protocols 2 and 3) ----

    /**
     * Counts {@code m} as spinning if it is not already and fewer than half the busy Ps have a
     * spinning M (spinning burns CPU that running goroutines could use). Called by m, holding a P.
     *
     * @return whether m spins (and may steal)
     */
    boolean startSpinning(M m) {
        if (m.spinning) {
            return true;
        }
        if (2 * nmspinning.get() < sched.procs - npidle) {
            m.spinning = true;
            nmspinning.incrementAndGet();
            return true;
        }
        return false;
    }

    /** {@code m} stopped spinning with work found; the last spinning M wakes another (Go's resetspinning). */
    void resetSpinning(M m) {
        m.spinning = false;
        nmspinning.decrementAndGet();
        wakep();
    }

    /**
     * {@code m} found nothing to run: gives up {@code pp} (its P) unless the global queue has
     * work, checked under the same lock (see "Spinning Ms"). Called by m.
     *
     * @return a goroutine from the global queue (m keeps pp), or null: pp was released and
     *         {@code m.p} cleared, or the runtime terminated ({@code m.p} is still pp)
     */
    G releaseP(M m, P pp) {
        synchronized (lock) {
            if (sched.terminated) {
                return null;
            }
            if (sched.globalQueue.size() > 0) {
                G g = sched.globalQueue.get(pp, sched.procs, 0);
                if (g == null) {
                    g = sched.globalQueue.getUrgent(false);
                }
                if (g == null) {
                    g = sched.globalQueue.getTenant(sched.tenants.root(), false, System.nanoTime());
                }
                if (g == null) {
                    g = sched.globalQueue.getBulk(sched.coarseNanos());
                    m.pickedBulk = true;   // nothing else to run, as in findRunnable
                }
                return g;
            }
            pp.release(m);
            m.p = null;
            pidleput(pp);
        }
        return null;
    }

    /**
     * The rest of protocols 2 and 3 for {@code m}, which has just released its P: stops
     * spinning, or reads the need-spinning note, and then, if either asks for it, looks at every
     * source again. Called by m, holding no P.
     *
     * @return an idle P to go on with (m spins again), or null: m may park
     */
    P afterRelease(M m) {
        boolean recheck = m.spinning;
        if (m.spinning) {
            m.spinning = false;
            nmspinning.decrementAndGet();   // full fence; then re-check every source (protocol 2)
        } else {
            VarHandle.fullFence();          // npidle++ before reading the note (protocol 3)
            if (needSpinning) {
                needSpinning = false;
                recheck = true;
            }
        }
        if (recheck) {
            P np = checkForWork();
            if (np != null) {
                m.spinning = true;
                nmspinning.incrementAndGet();
                return np;
            }
        }
        return null;
    }

    /**
     * The re-check of protocols 2 and 3: an idle P (taken off the idle list) if the global queue
     * or a run queue has work, else null. Holds no P.
     */
    private P checkForWork() {
        if (sched.globalQueue.size() > 0) {
            synchronized (lock) {
                if (sched.globalQueue.size() > 0 && !sched.terminated) {
                    P pp = pidleget();
                    if (pp != null) {
                        return pp;
                    }
                }
            }
        }
        for (P pp : sched.allp) {
            if (!pp.runqEmpty()) {
                synchronized (lock) {
                    return sched.terminated ? null : pidleget();
                }
            }
        }
        return null;
    }

    /**
     * For an M whose P was taken while its goroutine ran (Go's {@code exitsyscall}): an idle P,
     * acquired for {@code m}, or null if there is none or the runtime terminated.
     */
    P reacquire(M m) {
        P pp;
        synchronized (lock) {
            pp = sched.terminated ? null : pidleget();
        }
        if (pp != null) {
            pp.acquire(m);
        }
        return pp;
    }

    /**
     * Retires {@code m}, idle for {@code idleThreadTimeout}, if there are more Ms than Ps: takes
     * it off the idle list and the M count. Called by {@code m}.
     *
     * @return true if {@code m} must exit
     */
    boolean retireIfSurplus(M m) {
        synchronized (lock) {
            if (sched.terminated || mcount <= sched.procs) {
                return false;
            }
            for (M prev = null, cur = midle; cur != null; prev = cur, cur = cur.idleLink) {
                if (cur == m) {
                    if (prev == null) {
                        midle = m.idleLink;
                    } else {
                        prev.idleLink = m.idleLink;
                    }
                    m.idleLink = null;
                    allm.remove(m);
                    mcount--;
                    return true;
                }
            }
            return false;   // handed a P meanwhile
        }
    }

    /** {@code m}'s thread is ending: off the spinning count and the list of Ms. Called by m, holding no P. */
    void mexit(M m) {
        if (m.spinning) {
            m.spinning = false;
            nmspinning.decrementAndGet();
        }
        synchronized (lock) {
            if (allm.remove(m)) {   // a retired M is already off the list
                mcount--;
            }
        }
    }
}
