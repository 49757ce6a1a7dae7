package io.goloom.sched;

import io.goloom.GoHandle;
import io.goloom.GoRuntime;
import io.goloom.ProcStats;
import io.goloom.LatencyHistogram;
import io.goloom.SchedTrace;
import io.goloom.TraceSummary;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The state one runtime's Ms share (Go's {@code schedt}) and the operations on it.
 *
 * <h2>Glossary</h2>
 * <b>G</b>: a goroutine, a virtual thread ({@link G}). <b>M</b>: a carrier, a platform thread
 * running the schedule loop ({@link M}). <b>P</b>: a processor, the right to run goroutines;
 * {@code procs} of them, each with a local run queue ({@link P}). The design is Go's
 * ({@code runtime/proc.go}, "Scalable Go Scheduler", Vyukov 2012); this comment explains the
 * parts every other class relies on.
 *
 * <h2>Where a readied goroutine goes</h2>
 * The JDK calls {@link G#execute} whenever a virtual thread becomes runnable, which calls
 * {@link #ready}:
 * <ul>
 *   <li>from a goroutine running on an M of this runtime (unpark, lock hand-off, ...): into the
 *       {@code runnext} slot of that M's P, displacing the previous occupant to the queue's tail
 *       (Go's {@code runqput(pp, gp, next=true)}). The woken goroutine runs as soon as the
 *       current one blocks, on the same carrier, with no thread wake-up;
 *   <li>a new goroutine started from a goroutine of this runtime ({@code go}): the tail of that
 *       P's local queue, then {@link #wakep()}. Go puts it in {@code runnext}; measured here,
 *       spawning 1,000,000 from one goroutine ran at 0.96x the JDK's rate that way and 1.27x at
 *       the tail (docs/PERFORMANCE.md);
 *   <li>from the goroutine's own carrier right after it unmounted ({@code Thread.yield()}, or a
 *       park whose permit was already there): the local queue's tail (Go's {@code goyield});
 *       after {@code Go.yield()}: the global queue (Go's {@code Gosched});
 *   <li>from any other thread (a JDK timer, poller or unblocker thread, a platform thread, a
 *       goroutine of another runtime): the global queue, then {@link #wakep()}.
 * </ul>
 *
 * <h2>Spinning Ms</h2>
 * We want to keep enough Ms running to use the Ps while work exists, and to park Ms when it
 * does not; waking a thread costs microseconds and parking too eagerly loses work. Go's
 * answer, followed here: an M without work first <em>spins</em> (looks for work to steal) and
 * at most half of the busy Ps have a spinning M. New work wakes an M only if there is an idle P
 * and no M is spinning ({@link #wakep()}); a spinning M that finds work calls {@code wakep()}
 * in turn, so spinning Ms come and go one at a time as work appears. One departure: a lone
 * goroutine put in {@code runnext} by a readier that is about to block wakes nobody unless the
 * P has shown that its owner is slow to run its runnext ("runnext and waking" in {@link P}):
 * the readier's M runs it in a moment, and waking a thief for it is what makes message passing
 * slow on schedulers that always do.
 *
 * <p>No lost wake-ups. Two protocols, each a store, a full fence, and a load:
 * <ol>
 *   <li><b>Submit</b>: publish the work (run queue tail, runnext, global queue), full fence,
 *       then read {@code npidle} and {@code nmspinning} ({@link #wakep()}).
 *   <li><b>Stop spinning</b>: put the P on the idle list, decrement {@code nmspinning} (a full
 *       fence), then re-check the global queue and every P's run queue
 *       ({@link #checkForWorkAfterSpinning()}), taking an idle P back if work is there.
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
 * One lock ({@link #lock}) guards the global queue, the idle-P and idle-M lists and the list of
 * all Ms. It is never held while blocking and never taken on the runnext or local-queue paths.
 *
 * <h2>Shutdown</h2>
 * {@link #shutdown}: (1) {@code closing}: no new goroutines; (2) wait for the live ones;
 * (3) report the rest; (4) {@code terminated} under the lock: the global queue and every M's P
 * are drained to a fallback carrier ({@link #runAfterClose}), idle Ms wake and exit, and every
 * later ready goes to the fallback carrier too, so no goroutine is ever stranded. Timers still
 * pending (a straggler in {@code Go.sleep}) are run by a daemon after-close timer thread, which
 * exits once every heap is empty.
 */
public final class Scheduler {

    /** The seam to the JDK. Its failure is reported by GoRuntime.Builder.build() first. */
    static final VirtualThreads VT = JdkVirtualThreads.INSTANCE;
    private static final boolean AVAILABLE = JdkVirtualThreads.PROBLEM == null;

    private final GoRuntime runtime;
    /** When this runtime was built; schedtrace's clock. */
    private final long startNanos;
    private final String name;
    final int procs;
    final P[] allp;
    final StealOrder stealOrder;
    private final int maxThreads;
    private final Duration shutdownTimeout;
    final long idleThreadTimeoutNanos;
    private final Thread.UncaughtExceptionHandler uncaughtHandler;
    private final PrintStream diagnostics;
    private final ClassLoader contextClassLoader;

    /** Guards the fields marked "guarded by lock"; see the class comment. */
    final Object lock = new Object();

    // ---- guarded by lock ----
    private G globalHead, globalTail;
    private P pidle;
    private M midle;
    private final List<M> allm = new ArrayList<>();
    /** Ms alive or being created (allm may lag behind while one starts). */
    private int mcount;
    private int nextMid;
    /**
     * A wake-up found no idle P (or no M to give it to): the next M that gives up its P must
     * look for work again before it parks (Go's {@code sched.needspinning}). Set by
     * {@link #wakep}/{@link #startm}, cleared by the M that acts on it; volatile, and a stale
     * {@code true} only costs one extra look. See "Spinning Ms", protocol 3.
     */
    volatile boolean needSpinning;

    /** Global queue length: written under lock, read anywhere (volatile) to skip empty looks. */
    private volatile int globalSize;
    /** Idle Ps: written under lock, read anywhere (volatile). */
    volatile int npidle;
    /** Ms spinning (looking for work with a P). CAS / atomic add; see "Spinning Ms". */
    final AtomicInteger nmspinning = new AtomicInteger();

    /** No new goroutines. Volatile publish; set once. */
    private volatile boolean closing;
    /** Ms exit and readies go to the fallback carrier. Set once, under lock. */
    volatile boolean terminated;

    /**
     * Batches of {@link P#GOID_BATCH} goroutine ids handed out so far (Go's {@code goidgen},
     * counted in batches). A P takes one batch at a time; any other caller takes a whole batch
     * for one id, so every batch stays aligned and a P's goroutines share an {@link AllGs} stripe.
     */
    private final AtomicLong goidBatches = new AtomicLong();
    private final AllGs allgs;
    /**
     * A clock for diagnostics that costs a volatile read: {@code System.nanoTime()} as of
     * sysmon's last round, or of the last time a P left an all-idle runtime (sysmon stops its
     * rounds then). Goroutines are stamped with it as they park: the stamp is at most a sysmon
     * round old (10 ms). Written by sysmon and, under the lock, by pidleget; read by Ms.
     */
    private volatile long coarseNanos = System.nanoTime();

    /** Goroutines created (threads made by go() and the thread factory), for metrics. */
    private final LongAdder created = new LongAdder();
    /** Adopted threads by their continuation: the rare path of G.execute. */
    private final ConcurrentHashMap<Runnable, G> foreign = new ConcurrentHashMap<>();
    /** Counted down when closing and the last goroutine ends. */
    private final CountDownLatch drained = new CountDownLatch(1);
    /** Counted down when the first shutdown has finished; later callers wait on it. */
    private final CountDownLatch shutdownDone = new CountDownLatch(1);
    /** What the first shutdown returned. Written before shutdownDone opens. */
    private volatile List<GoHandle> stragglers = List.of();
    /** Runs goroutines that become runnable after termination; created on first use, under lock. */
    private ThreadPoolExecutor afterClose;

    private final ThreadFactory threadFactory = this::newGoroutineThread;

    /**
     * The first {@code procs} Ms, built (not started) together so that their thread ids are
     * consecutive: the JDK puts a timed park ({@code Thread.sleep}) of a custom-scheduled virtual
     * thread on timer queue {@code carrierThreadId & (queues - 1)} (see
     * {@code JdkVirtualThreads.spreadJdkTimers}), and Ms created one by one, as goroutines
     * (which take thread ids too) come and go, can all land on one queue: measured here, 0.64 vs
     * 1.0 M wake-ups/s. Started on demand by {@link #newm}. Final array; each element is
     * started at most once, under the mid reservation made in {@link #startm}.
     */
    private final M[] firstMs;

    /** Goroutines locked to their M ({@code Go.lockOSThread}), by goroutine. */
    private final ConcurrentHashMap<G, M> lockedTo = new ConcurrentHashMap<>();
    /** {@code lockedTo.size()}, read on every schedule: a volatile read instead of a map lookup. */
    private volatile int lockedCount;
    /** The maxThreads message has been printed. Sysmon only. */
    private boolean maxThreadsReported;
    /**
     * The execution trace recording now, or null: every event site reads it once and records
     * only when it is set, so tracing off costs a load and a never-taken branch per site.
     * Written under {@link #traceLock} by startTrace/stopTrace, read by any thread. Volatile,
     * which on x86 and ARMv8 compiles to a plain load (ARM: a load-acquire) and no fence: a
     * plain field could be hoisted out of an M's schedule loop by the JIT, so a trace started
     * later would never be seen, and it publishes the new {@link ExecTrace}. A
     * {@code static final} flag cannot be turned on at run time nor per runtime, and a
     * {@code SwitchPoint} (free when off) deoptimizes every caller at each start and stop.
     */
    volatile ExecTrace trace;
    /** Serialises startTrace and stopTrace. */
    private final Object traceLock = new Object();

    /** Started with the first M; stopped and joined at termination. */
    private final Sysmon sysmon;
    /** Guarded by lock. */
    private boolean sysmonStarted;
    /** Runs timers after termination; null when it is not running. Guarded by lock. */
    private Thread timersAfterClose;

    public Scheduler(GoRuntime runtime, Config config) {
        this.startNanos = System.nanoTime();
        this.runtime = runtime;
        this.name = config.name();
        this.procs = config.procs();
        this.maxThreads = config.maxThreads();
        this.shutdownTimeout = config.shutdownTimeout();
        this.idleThreadTimeoutNanos = config.idleThreadTimeout().toNanos();
        this.diagnostics = config.diagnostics();
        this.uncaughtHandler = config.handler() != null ? config.handler() : this::printUncaught;
        int runQueueCapacity = config.runQueueCapacity();
        this.contextClassLoader = Thread.currentThread().getContextClassLoader();
        this.allp = new P[procs];
        for (int i = 0; i < procs; i++) {
            allp[i] = new P(this, i, runQueueCapacity);
        }
        this.stealOrder = new StealOrder(procs);
        this.firstMs = new M[procs];
        for (int i = 0; i < procs; i++) {
            firstMs[i] = new M(this, i);
        }
        this.allgs = new AllGs(procs);
        this.sysmon = new Sysmon(this, config.preemptAfter().toNanos(), config.retakeAfter().toNanos());
        synchronized (lock) {
            for (int i = procs - 1; i >= 0; i--) {
                pidleput(allp[i]);
            }
        }
    }

    // ---- creating goroutines ----

    public GoHandle go(String name, Runnable task) {
        if (closing) {
            throw rejected();
        }
        G g = newG(name, task);
        g.thread().start();
        return g;
    }

    public ThreadFactory threadFactory() {
        return threadFactory;
    }

    private Thread newGoroutineThread(Runnable task) {
        if (closing) {
            throw rejected();
        }
        return newG("", task).thread();
    }

    private G newG(String name, Runnable task) {
        created.increment();
        G parent = currentGoroutine();
        G g = new G(this, newGoid(), parent != null && parent.sched == this ? parent.id : 0, name, task);
        g.thread().setUncaughtExceptionHandler(uncaughtHandler);
        return g;
    }

    /**
     * A new goroutine id: from the P's batch when the caller is a goroutine whose M owns a P
     * (enterOp succeeds), else the first of a batch of its own.
     */
    private long newGoid() {
        if (VT.currentCarrierThread() instanceof M m && m.sched == this) {
            P pp = m.p;
            if (pp != null && inScheduleLoop(m, pp)) {
                return pp.nextGoid();       // an afterFunc timer fired by m
            }
            if (pp != null && pp.enterOp(m)) {
                try {
                    return pp.nextGoid();
                } finally {
                    pp.exitOp(m);
                }
            }
        }
        return reserveGoids();
    }

    /** The first id of a new batch of {@link P#GOID_BATCH}; ids start at 1. Any thread. */
    long reserveGoids() {
        return goidBatches.getAndIncrement() * P.GOID_BATCH + 1;
    }

    private RejectedExecutionException rejected() {
        return new RejectedExecutionException("goloom runtime \"" + name + "\" is closed: no new goroutines");
    }

    // ---- readying (see "Where a readied goroutine goes") ----

    /** Makes {@code g} runnable. Any thread; never blocks. */
    void ready(G g) {
        int before = g.markRunnable();
        int prev = G.stateOf(before);
        if (prev == G.S_NEW) {
            register(g);
        } else if (prev == G.S_RUNNABLE || prev == G.S_DEAD) {
            // Already queued and not yet started: the JDK readies a runnable, unmounted thread a
            // second time after Thread.getStackTrace() suspended it ("resubmit as task may have
            // run while suspended"), after restoring its state, so the queued entry will run it.
            // A second entry would corrupt the global queue's intrusive list.
            return;
        }
        ExecTrace tr = trace;
        if (tr != null) {
            traceReady(tr, g, prev);
        }
        if (G.nextRunTracked(before)) {
            g.schedNanos = System.nanoTime();
        }
        if (terminated) {
            runAfterClose(g);
            return;
        }
        if (VT.currentCarrierThread() instanceof M m && m.sched == this) {
            P pp = m.p;
            if (pp != null && inScheduleLoop(m, pp)) {
                readyOnOwnP(g, prev, m, pp);   // a timer fired by m
                return;
            }
            // The goroutine running on m pushes to m's P only while m owns it: sysmon may have
            // handed it to another M (see "Ownership" in P).
            if (pp != null && pp.enterOp(m)) {
                try {
                    readyOnOwnP(g, prev, m, pp);
                } finally {
                    pp.exitOp(m);
                }
                return;
            }
        }
        globrunqput(g);
        wakep();
    }

    /**
     * Records {@code g}'s ready as GoCreate (its first) or GoUnblock, with the readier: the
     * goroutine running on the calling M, or 0 for a thread (a timer fired by an M or sysmon, a
     * JDK or platform thread). A goroutine requeued by its own carrier as it unmounts (a yield,
     * or a park whose permit was already there) was not blocked: nothing is recorded.
     */
    private void traceReady(ExecTrace tr, G g, int prev) {
        if (prev == G.S_NEW) {
            tr.record(this, ExecTrace.GO_CREATE, -1, g.id, g.parentId(), 0);
            return;
        }
        if (VT.currentCarrierThread() instanceof M m && m.sched == this) {
            G cur = m.curg;
            if (Thread.currentThread() != m && cur != null) {
                tr.unblockOn(m, g.id, cur.id, coarseNanos);   // goroutine code: the hot case, no clock read
            } else if (cur != g) {
                tr.recordOn(m, ExecTrace.GO_UNBLOCK, -1, g.id, 0, 0);   // m's loop: a timer it fired
            }
            return;
        }
        tr.recordShared(ExecTrace.GO_UNBLOCK, -1, g.id, 0, 0);
    }

    /**
     * Whether the caller is {@code m}'s own thread in its schedule loop (running timers), where
     * it holds {@code pp}: HELD, which only m itself leaves, so it may push without enterOp.
     */
    private static boolean inScheduleLoop(M m, P pp) {
        return Thread.currentThread() == m && pp.heldBy(m);
    }

    /** The placements of "Where a readied goroutine goes" for a caller on {@code m}, which owns {@code pp}. */
    private void readyOnOwnP(G g, int prev, M m, P pp) {
        if (Thread.currentThread() == m) {
            // Its own carrier, right after the continuation unmounted, or a timer fired by m.
            if (g.yieldToGlobal) {
                g.yieldToGlobal = false;
                globrunqput(g);
            } else {
                pp.runqputTail(g);
            }
            return;
        }
        if (prev == G.S_NEW) {
            // A new goroutine: the local tail, not runnext (measured; see the class comment).
            pp.runqputTail(g);
            wakep();
            return;
        }
        G old = pp.putRunnext(g);
        if (old != null) {
            pp.runqputTail(old);
            wakep();              // stealable work appeared
        } else if (pp.shouldWakeForRunnext()) {
            wakep();              // the owner has been slow to run its runnext (see P)
        }
    }

    /** A continuation of a thread that inherited one of our goroutines as its scheduler. */
    void readyForeign(Runnable cont) {
        G g = foreign.get(cont);
        if (g == null) {
            if (closing) {
                throw rejected();
            }
            g = new G(this, newGoid(), cont);
            G raced = foreign.putIfAbsent(cont, g);
            if (raced != null) {
                g = raced;
            }
        }
        ready(g);
    }

    /** Adds a starting goroutine to the live set, or rejects it if the runtime is closing. */
    private void register(G g) {
        allgs.add(g);
        // Dekker with shutdown(): we add then read closing; it sets closing then counts.
        if (closing) {
            g.markDead();
            unregister(g);
            throw rejected();
        }
    }

    /** Called once a goroutine's thread has terminated. Any thread. */
    void goexit(G g) {
        if (g.markDead()) {
            unregister(g);
        }
    }

    private void unregister(G g) {
        allgs.remove(g);
        if (g.foreign()) {
            foreign.remove(g.cont);
        }
        if (closing && allgs.isEmpty()) {
            drained.countDown();
        }
    }

    // ---- the global queue (guarded by lock) ----

    public int globalQueueLength() {
        return globalSize;
    }

    void globrunqput(G g) {
        synchronized (lock) {
            if (terminated) {
                runAfterClose(g);
                return;
            }
            g.schedlink = null;
            if (globalTail == null) {
                globalHead = g;
            } else {
                globalTail.schedlink = g;
            }
            globalTail = g;
            globalSize++;
        }
    }

    /** Appends {@code batch[0..n)} in order and clears those slots. Caller owns the batch array. */
    void globrunqputBatch(G[] batch, int n) {
        for (int i = 0; i < n - 1; i++) {
            batch[i].schedlink = batch[i + 1];
        }
        G first = batch[0], last = batch[n - 1];
        last.schedlink = null;
        java.util.Arrays.fill(batch, 0, n, null);
        synchronized (lock) {
            if (terminated) {
                for (G g = first; g != null; ) {
                    G next = g.schedlink;
                    g.schedlink = null;
                    runAfterClose(g);
                    g = next;
                }
                return;
            }
            if (globalTail == null) {
                globalHead = first;
            } else {
                globalTail.schedlink = first;
            }
            globalTail = last;
            globalSize += n;
        }
    }

    /**
     * Takes a batch from the global queue (Go's {@code globrunqget}): its fair share
     * {@code size/procs + 1}, at most {@code max} when positive and at most half a local queue.
     * Returns one goroutine and puts the rest on {@code pp}'s local queue. Holds {@code pp}.
     */
    G globrunqget(P pp, int max) {
        synchronized (lock) {
            int size = globalSize;
            if (size == 0) {
                return null;
            }
            int n = Math.min(size, size / procs + 1);
            if (max > 0 && n > max) {
                n = max;
            }
            n = Math.min(n, pp.runq.capacity() / 2);
            globalSize = size - n;
            pp.count(P.C_GLOBAL_GRABS, n);
            G g = globalPop();
            for (int i = 1; i < n; i++) {
                pp.runqputTail(globalPop());
            }
            return g;
        }
    }

    private G globalPop() {
        G g = globalHead;
        globalHead = g.schedlink;
        if (globalHead == null) {
            globalTail = null;
        }
        g.schedlink = null;
        return g;
    }

    // ---- idle Ps and Ms (guarded by lock) ----

    void pidleput(P pp) {
        pp.idleLink = pidle;
        pidle = pp;
        npidle++;
        long when = pp.timers.earliest();
        if (when != TimerHeap.NONE) {
            sysmon.wakeForTimer(when);   // nobody else runs an idle P's timers
        }
    }

    private P pidleget() {
        P pp = pidle;
        if (pp != null) {
            pidle = pp.idleLink;
            pp.idleLink = null;
            npidle--;
            sysmon.wakeFromIdle();
        }
        return pp;
    }

    /**
     * Parks {@code s} if every P is idle (Go's {@code sysmonwait}), until a P leaves the idle
     * list. Sysmon's thread only.
     *
     * @return true if it parked
     */
    boolean sysmonSleepIfAllIdle(Sysmon s) {
        synchronized (lock) {
            if (terminated || npidle < procs) {
                return false;
            }
            s.sleepingIdle = true;
        }
        s.parkWhileIdle();
        return true;
    }

    /** Racy: a P is idle and no M spins, so nobody would pick up stealable work now. */
    boolean hasIdlePAndNoSpinning() {
        return npidle > 0 && nmspinning.get() == 0;
    }

    /**
     * Puts {@code m} on the idle list, or, if a wake-up was dropped since the M last looked
     * ({@link #needSpinning}), hands it an idle P to spin with instead. Caller holds no P.
     *
     * @return false, doing nothing, when the runtime has terminated (the M should exit)
     */
    boolean mput(M m) {
        synchronized (lock) {
            if (terminated) {
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

    private M mget() {
        M m = midle;
        if (m != null) {
            midle = m.idleLink;
            m.idleLink = null;
        }
        return m;
    }

    // ---- waking Ms ----

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
    private void startm(boolean spinning) {
        P pp;
        synchronized (lock) {
            pp = terminated ? null : pidleget();
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
    private boolean startmOn(P pp, boolean spinning) {
        M m;
        int mid = -1;
        synchronized (lock) {
            if (terminated) {
                pp.drain(this::runAfterClose);   // unowned: nobody else can reach it now
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

    // ---- timers ----

    /**
     * Sysmon found due timers on idle {@code pp}: gives it to an M, which runs them into pp's
     * own queue (Go's sysmon starts an M for timers). Firing them from sysmon instead sends
     * their goroutines to the global queue, which gets one pick in 61 while local queues are
     * busy: under wakeup16k some sleepers then waited 300-700 ms.
     *
     * @return false if no M was free: the caller runs them itself
     */
    boolean startmForTimers(P pp) {
        synchronized (lock) {
            if (terminated) {
                return false;
            }
            P prev = null, cur = pidle;
            while (cur != null && cur != pp) {
                prev = cur;
                cur = cur.idleLink;
            }
            if (cur == null) {
                return true;   // taken meanwhile: its new owner runs them
            }
            if (prev == null) {
                pidle = pp.idleLink;
            } else {
                prev.idleLink = pp.idleLink;
            }
            pp.idleLink = null;
            npidle--;
            sysmon.wakeFromIdle();
        }
        return startmOn(pp, false);
    }

    /**
     * {@code heap} got an entry due at {@code when}: makes sure someone runs it in time. The P's
     * owner does at its next schedule (sysmon sees to a busy P whose owner is slow), unless the
     * P is idle: then sysmon is told now. Any thread, after the push. Dekker with
     * {@link #pidleput}: we pushed, then read the P's state; a P going idle is marked IDLE, then
     * its earliest timer is read.
     */
    void timerAdded(TimerHeap heap, long when) {
        if (terminated) {
            wakeTimersAfterClose();
        } else if (allp[heap.id].isIdle()) {
            if (sysmon.thread() == null) {
                synchronized (lock) {
                    startSysmon();
                }
            }
            sysmon.wakeForTimer(when);
        }
    }

    /**
     * A timer on the calling goroutine's P that unparks {@code waiter} when it fires, for the
     * timed waits of goloom's own blocking types (a select's timeout); null outside a goroutine
     * of a live runtime, where callers use {@code parkNanos}. The caller arms and stops it.
     */
    public static Timer unparkTimer(Thread waiter) {
        G g = currentGoroutine();
        return g == null || g.sched.terminated ? null : Timer.sleeper(g.sched, waiter);
    }

    /** {@code Go.sleep}: parks the calling goroutine on a timer of its P (Go's {@code timeSleep}). */
    public static void sleep(long nanos) throws InterruptedException {
        G g = currentGoroutine();
        if (g == null || g.sched.terminated) {
            if (nanos > 0) {
                Thread.sleep(Duration.ofNanos(nanos));   // the JDK's timers
            } else if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            return;
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (nanos <= 0) {
            return;
        }
        Timer t = Timer.sleeper(g.sched, Thread.currentThread());
        t.reset(nanos, 0);
        while (t.isArmed()) {
            g.waitReason = WaitReason.SLEEP.code();   // each run clears it
            LockSupport.park(t);
            if (Thread.interrupted()) {
                if (t.stop()) {
                    throw new InterruptedException();   // as Thread.sleep: the status is cleared
                }
                Thread.currentThread().interrupt();     // it fired meanwhile: keep the interrupt
                return;
            }
        }
    }

    /**
     * At termination: an {@code afterFunc} timer still pending could only fire to be refused
     * (no new goroutines), and would keep the after-close timer thread, and this runtime, alive
     * until it is due. Stops them and says so now.
     */
    private void dropPendingFuncs() {
        List<Timer> dropped = new ArrayList<>();
        for (P pp : allp) {
            pp.timers.forEachLive(t -> {
                if (t.isFunc() && t.stop()) {
                    dropped.add(t);
                }
            });
        }
        if (!dropped.isEmpty()) {
            diagnostics.println("goloom: runtime \"" + name + "\" closed with " + dropped.size()
                    + " afterFunc timer(s) pending; their functions will not run: "
                    + dropped.subList(0, Math.min(10, dropped.size())) + (dropped.size() > 10 ? " ..." : ""));
        }
    }

    /**
     * Starts (or wakes) the thread that runs timers after termination, if any is pending: a
     * goroutine sleeping then wakes on the fallback carrier, as after any other ready.
     */
    private void wakeTimersAfterClose() {
        synchronized (lock) {
            if (timersAfterClose != null) {
                LockSupport.unpark(timersAfterClose);
            } else if (anyTimers()) {
                timersAfterClose = new Thread(null, this::runTimersAfterClose, name + "-timers-after-close", 0, false);
                timersAfterClose.setDaemon(true);
                timersAfterClose.start();
            }
        }
    }

    /** The after-close timer thread: runs every P's heap until all are empty, then exits. */
    private void runTimersAfterClose() {
        for (;;) {
            long now = System.nanoTime();
            long next = TimerHeap.NONE;
            for (P pp : allp) {
                pp.timers.run(now);
                long e = pp.timers.earliest();
                if (e != TimerHeap.NONE && (next == TimerHeap.NONE || e - next < 0)) {
                    next = e;
                }
            }
            if (next != TimerHeap.NONE && anyTimers()) {
                LockSupport.parkNanos(this, next - now);
                continue;
            }
            synchronized (lock) {
                if (!anyTimers()) {   // a push after this sees the field null and starts a new thread
                    timersAfterClose = null;
                    return;
                }
            }
        }
    }

    /** Whether a live timer is left (zombies are swept on the way). */
    private boolean anyTimers() {
        boolean live = false;
        for (P pp : allp) {
            live |= pp.timers.earliest() != TimerHeap.NONE && pp.timers.sweepAndCheckLive();
        }
        return live;
    }

    // ---- hand-off (Go's retake / handoffp / exitsyscall) ----

    /**
     * Whether sysmon should take {@code pp} from its stuck M: there is work it could run (its
     * own queue, due timers, or the global queue while no P is idle), and an M to run it.
     * Sysmon only.
     */
    boolean worthHandingOff(P pp) {
        if (pp.runqEmpty() && pp.peekRunnext() == null && (globalSize == 0 || npidle > 0) && !pp.timers.dueNow()) {
            return false;
        }
        synchronized (lock) {
            if (midle != null || mcount < maxThreads) {
                return true;
            }
        }
        if (!maxThreadsReported) {
            maxThreadsReported = true;
            diagnostics.println("goloom: runtime \"" + name + "\" has " + maxThreads + " carrier threads"
                    + " (maxThreads) and none is free: a P whose carrier is stuck in one goroutine cannot be"
                    + " handed off, so the goroutines queued on it wait until it returns. Raise"
                    + " GoRuntime.builder().maxThreads(...) if carriers block for long. (Reported once.)");
        }
        return false;
    }

    /**
     * Gives {@code pp}, just taken from an M (by sysmon, or by the M's goroutine in
     * {@code Go.blocking}), to another M if it has work, else to the idle list.
     */
    void handoffp(P pp) {
        if (!pp.runqEmpty() || pp.peekRunnext() != null || globalSize > 0 || pp.timers.dueNow()) {
            startmOn(pp, false);
            return;
        }
        synchronized (lock) {
            pidleput(pp);
        }
    }

    /**
     * For an M whose P was taken while its goroutine ran (Go's {@code exitsyscall}): an idle P,
     * acquired for {@code m}, or null if there is none or the runtime terminated.
     */
    P reacquire(M m) {
        P pp;
        synchronized (lock) {
            pp = terminated ? null : pidleget();
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
            if (terminated || mcount <= procs) {
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

    /**
     * {@code Go.blocking}: gives the caller's P away before {@code task} blocks the carrier
     * (Go's {@code entersyscallblock}), and takes a P again after (Go's {@code exitsyscall}): an
     * idle one if there is one, otherwise the goroutine yields to the global queue and runs on
     * when a P is free.
     */
    public static <T> T blocking(Callable<T> task) throws Exception {
        if (!(VT.currentCarrierThread() instanceof M m) || Thread.currentThread() == m) {
            return task.call();   // not a goroutine of goloom: nothing to hand off
        }
        Scheduler s = m.sched;
        P pp = m.p;
        int run = m.runSeq();
        if (pp == null || !pp.retake(m)) {
            return task.call();   // already taken by sysmon
        }
        s.handoffp(pp);
        try {
            return task.call();
        } finally {
            // Still the run that gave the P away? If the task parked, the goroutine was
            // unmounted, m went on without a P, and this goroutine now runs in a later run that
            // already holds one (on m or another M): nothing to take back.
            if (VT.currentCarrierThread() == m && m.runSeq() == run && m.p == pp) {
                P np = s.reacquire(m);
                if (np != null) {
                    np.count(P.C_RUNS);      // a new run on this P, for sysmon's hand-off clock
                    np.mount(m);
                    m.p = np;     // m is inside this run's cont.run(); it reads p when that returns
                } else {
                    yieldToGlobalQueue();   // m has no P: continue on an M that has one
                }
            }
        }
    }

    private void newm(int mid, P pp, boolean spinning) {
        M m = mid < firstMs.length ? firstMs[mid] : new M(this, mid);
        // Started under the lock: terminate() joins every M of allm, and joining a thread that
        // was published but not yet started throws IllegalThreadStateException.
        synchronized (lock) {
            allm.add(m);
            startSysmon();
            m.startHolding(pp, spinning);
        }
    }

    /** Starts sysmon if it is not running yet. Holds the lock. */
    private void startSysmon() {
        if (!sysmonStarted && !terminated) {
            sysmonStarted = true;
            sysmon.start();
        }
    }

    /**
     * The re-check of protocols 2 and 3, after the caller gave up its P and either decremented
     * {@code nmspinning} or consumed {@link #needSpinning}. Returns an idle P (taken off the idle list) if work appeared
     * meanwhile, else null. Holds no P.
     */
    P checkForWorkAfterSpinning() {
        if (globalSize > 0) {
            synchronized (lock) {
                if (globalSize > 0 && !terminated) {
                    P pp = pidleget();
                    if (pp != null) {
                        return pp;
                    }
                }
            }
        }
        for (P pp : allp) {
            if (!pp.runqEmpty()) {
                synchronized (lock) {
                    return terminated ? null : pidleget();
                }
            }
        }
        return null;
    }

    /** Called by an M's thread as it ends. */
    void mexit(M m) {
        P pp = m.p;
        if (pp != null && pp.heldBy(m)) {
            m.p = null;
            if (terminated) {
                pp.drain(this::runAfterClose);
                pp.release(m);
            } else {
                // Only after a goloom bug: give the P to another M rather than losing its work.
                pp.release(m);
                synchronized (lock) {
                    pidleput(pp);
                }
                if (!pp.runqEmpty() || globalSize > 0) {
                    startm(false);
                }
            }
        }
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

    // ---- shutdown ----

    public List<GoHandle> shutdown(Duration timeout) {
        if (Thread.currentThread().isVirtual() && currentScheduler() == this) {
            throw new IllegalStateException("close()/shutdown() called from goroutine " + currentGoroutine().id()
                    + " of runtime \"" + name + "\" would wait for itself; call it from outside the runtime");
        }
        boolean first;
        synchronized (lock) {
            first = !closing;
            closing = true;
        }
        if (!first) {
            return awaitFirstShutdown(timeout);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        if (allgs.isEmpty()) {
            drained.countDown();
        }
        boolean interrupted = false;
        try {
            drained.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        List<G> alive = allgs.snapshot();
        stragglers = List.copyOf(alive);
        try {
            terminate(alive, timeout, deadline, interrupted);
        } finally {
            shutdownDone.countDown();   // a second close() never waits for a first that failed
        }
        return stragglers;
    }

    /** Steps 3 and 4 of "Shutdown": report, then hand everything left to the fallback carrier. */
    private void terminate(List<G> alive, Duration timeout, long deadline, boolean interrupted) {
        if (!alive.isEmpty()) {
            try {
                reportAlive(alive, timeout);
            } catch (RuntimeException e) {
                // The report must not stop the shutdown: the stragglers are still returned.
                diagnostics.println("goloom: reporting the live goroutines of \"" + name + "\" failed: " + e);
            }
        }
        List<M> ms;
        synchronized (lock) {
            terminated = true;
            for (G g; globalSize > 0; ) {
                g = globalPop();
                globalSize--;
                runAfterClose(g);
            }
            for (M m; (m = mget()) != null; ) {
                LockSupport.unpark(m);
            }
            ms = new ArrayList<>(allm);
        }
        for (M m : ms) {
            LockSupport.unpark(m);   // Ms waiting for their locked goroutine are on no idle list
        }
        sysmon.wakeToExit();
        dropPendingFuncs();
        wakeTimersAfterClose();
        // Ms finish the goroutine they are running (it parks or ends), drain their P and exit.
        long graceNanos = Math.max(deadline - System.nanoTime(), TimeUnit.SECONDS.toNanos(1));
        long joinDeadline = System.nanoTime() + graceNanos;
        for (M m : ms) {
            try {
                long left = joinDeadline - System.nanoTime();
                if (left > 0) {      // every M of allm is started (newm starts it under the lock)
                    m.join(Duration.ofNanos(left));
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        // Queued work left on Ps nobody will run: an idle P handed off while no M was free,
        // and the P of an M still stuck in a goroutine after the joins (taken from it; the
        // stuck goroutine's later readies then fail enterOp and go to the fallback carrier).
        synchronized (lock) {
            for (P pp : allp) {
                M stuck = pp.mountedBy();
                if (pp.isIdle() || (stuck != null && pp.retake(stuck))) {
                    pp.drain(this::runAfterClose);
                }
            }
        }
        Thread sysmonThread = sysmon.thread();
        if (sysmonThread != null) {
            try {
                sysmonThread.join(Duration.ofNanos(Math.max(1, joinDeadline - System.nanoTime())));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** A second close(): waits (bounded) for the first to finish and returns what it returned. */
    private List<GoHandle> awaitFirstShutdown(Duration timeout) {
        try {
            shutdownDone.await(timeout.toNanos() + TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return stragglers;
    }

    private void reportAlive(List<G> alive, Duration waited) {
        StringBuilder sb = new StringBuilder();
        sb.append("goloom: runtime \"").append(name).append("\" closed after waiting ").append(waited)
                .append(" with ").append(alive.size()).append(" goroutine(s) still alive; they will keep")
                .append(" running on a fallback carrier thread if they wake:\n");
        long now = System.nanoTime();
        for (G g : alive) {
            sb.append(g).append(", created ").append((now - g.createdNanos) / 1_000_000).append(" ms ago")
                    .append(g.lastP < 0 ? ", never ran" : ", last ran on P" + g.lastP)
                    .append('\n');
            for (StackTraceElement e : g.thread().getStackTrace()) {
                sb.append("\tat ").append(e).append('\n');
            }
        }
        diagnostics.print(sb);
        diagnostics.flush();
    }

    /** Runs {@code g} on the fallback carrier. After termination only. */
    private void runAfterClose(G g) {
        ThreadPoolExecutor ex;
        synchronized (lock) {
            ex = afterClose;
            if (ex == null) {
                ex = new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                        r -> new FallbackCarrier(name + "-after-close", r));
                afterClose = ex;
            }
        }
        ex.execute(() -> ((FallbackCarrier) Thread.currentThread()).run(g));
    }

    /** The carrier of goroutines that run after termination; see "Shutdown". */
    private final class FallbackCarrier extends Thread {
        /** The goroutine mounted now, for {@link #currentGoroutine()}. Written and read on this thread. */
        G curg;

        FallbackCarrier(String name, Runnable task) {
            super(null, task, name, 0, false);
            setDaemon(true);
        }

        void run(G g) {
            g.markRunning();
            curg = g;
            try {
                g.cont.run();
            } finally {
                curg = null;
            }
            if (!g.thread().isAlive()) {
                goexit(g);
            }
        }
    }

    // ---- the Go facade ----

    /** The goroutine the caller is, or null. */
    public static G currentGoroutine() {
        if (!AVAILABLE || !Thread.currentThread().isVirtual()) {
            return null;
        }
        Thread carrier = VT.currentCarrierThread();
        if (carrier instanceof M m) {
            return m.curg;
        }
        return carrier instanceof FallbackCarrier f ? f.curg : null;
    }

    /**
     * Says why the calling goroutine is about to park, for the execution trace's GoBlock,
     * scheddetail and goroutine dumps ({@link WaitReason}); call it right before the park. It
     * holds until the goroutine runs again after a park, or sets another; null clears it. Outside
     * a goroutine it does nothing. A plain write to the goroutine's own record: nothing shared.
     *
     * <pre>{@code
     * while (!ready) {
     *     Scheduler.setWaitReason(WaitReason.CHAN_RECEIVE);
     *     LockSupport.park(this);
     * }
     * }</pre>
     */
    public static void setWaitReason(WaitReason reason) {
        G g = currentGoroutine();
        if (g != null) {
            g.waitReason = reason == null ? 0 : reason.code();
        }
    }

    /** The scheduler of the goroutine the caller is, or null. */
    public static Scheduler currentScheduler() {
        G g = currentGoroutine();
        return g != null ? g.sched : null;
    }

    /** The M that {@code g} is locked to, or null. Any M, on every pick. */
    M lockedM(G g) {
        return lockedCount == 0 ? null : lockedTo.get(g);
    }

    /**
     * {@code Go.lockOSThread()}: binds the calling goroutine to its M until as many unlocks (or
     * its end). Nested calls count, as in Go. Each locked M is kept from running anything else,
     * so besides the {@code procs} Ms running goroutines there must be one M per locked
     * goroutine: a lock that would leave fewer than that under {@code maxThreads} is refused
     * (otherwise every M could end up waiting for a locked goroutine nobody is left to pick).
     *
     * @throws IllegalStateException outside a goroutine of goloom, or when {@code maxThreads}
     *         leaves no carrier for one more locked goroutine
     */
    public static void lockOSThread() {
        if (!(VT.currentCarrierThread() instanceof M m) || m.curg == null) {
            throw new IllegalStateException("Go.lockOSThread() called outside a goroutine of a goloom runtime");
        }
        G g = m.curg;
        if (m.lockedDepth == 0) {
            Scheduler s = m.sched;
            synchronized (s.lock) {
                if (s.procs + s.lockedTo.size() + 1 > s.maxThreads) {
                    throw new IllegalStateException("Go.lockOSThread(): runtime \"" + s.name + "\" has maxThreads="
                            + s.maxThreads + ", procs=" + s.procs + " and " + s.lockedTo.size()
                            + " locked goroutine(s); a locked goroutine needs a carrier of its own beyond procs:"
                            + " raise GoRuntime.builder().maxThreads(...) to at least "
                            + (s.procs + s.lockedTo.size() + 1));
                }
                s.lockedTo.put(g, m);
                s.lockedCount = s.lockedTo.size();
            }
            m.lockedg = g;
        }
        m.lockedDepth++;
    }

    /** {@code Go.unlockOSThread()}: undoes one lock; a call without a lock does nothing, as in Go. */
    public static void unlockOSThread() {
        if (VT.currentCarrierThread() instanceof M m && m.lockedg != null && m.lockedg == m.curg
                && --m.lockedDepth == 0) {
            m.sched.unlock(m, m.lockedg);
        }
    }

    /** Ends the binding of {@code g} to {@code m}: g unlocked itself, or ended. */
    void unlock(M m, G g) {
        m.lockedg = null;
        m.lockedDepth = 0;
        synchronized (lock) {
            lockedTo.remove(g);
            lockedCount = lockedTo.size();
        }
    }

    /**
     * {@code Go.checkpoint()}: yields to the global queue if sysmon asked the current run to
     * (Go's preemption at a safe point). Otherwise an intrinsic, a type check and two loads.
     */
    public static void checkpoint() {
        if (VT.currentCarrierThread() instanceof M m && m.preemptRequested()) {
            P pp = m.p;
            if (pp != null && pp.enterOp(m)) {
                pp.count(P.C_PREEMPTIONS);
                pp.exitOp(m);
            }
            SchedEvents.preemption(m.sched, m.curg, pp);
            m.clearPreempt();     // acted on: a pinned goroutine does not yield again at every call
            m.globalFirst = true;
            yieldToGlobal(ExecTrace.GO_PREEMPT);
        }
    }

    /** {@code Go.yield()}: Gosched, to the global queue's tail. */
    public static void yieldToGlobalQueue() {
        yieldToGlobal(ExecTrace.GO_SCHED);
    }

    /** Yields the current goroutine to the global queue, recording {@code traceEvent} if tracing. */
    private static void yieldToGlobal(int traceEvent) {
        G g = currentGoroutine();
        if (g == null) {
            Thread.yield();
            return;
        }
        ExecTrace tr = g.sched.trace;
        if (tr != null) {
            tr.record(g.sched, traceEvent, -1, g.id, 0, 0);
        }
        g.yieldToGlobal = true;
        Thread.yield();
        g.yieldToGlobal = false;   // in case the yield did not happen (pinned)
    }

    private void printUncaught(Thread t, Throwable e) {
        G g = currentGoroutine();
        StringBuilder sb = new StringBuilder("goloom: uncaught exception in ");
        sb.append(g != null ? g.toString() : t.toString()).append(" of runtime \"").append(name).append("\": ");
        diagnostics.print(sb);
        e.printStackTrace(diagnostics);
    }

    // ---- execution trace (see ExecTrace) ----

    /**
     * Starts recording an execution trace that {@link #stopTrace} writes to {@code path}. The
     * file is created (or truncated) now, so that a path that cannot be written fails here.
     *
     * @throws IllegalStateException if a trace is recording already
     * @throws IllegalArgumentException if {@code maxEventsPerThread} is out of range
     */
    public void startTrace(Path path, int maxEventsPerThread) throws IOException {
        Objects.requireNonNull(path, "path");
        if (maxEventsPerThread < 1 || maxEventsPerThread > ExecTrace.MAX_MAX_EVENTS) {
            throw new IllegalArgumentException("maxEventsPerThread must be 1 to " + ExecTrace.MAX_MAX_EVENTS
                    + ", was " + maxEventsPerThread);
        }
        synchronized (traceLock) {
            ExecTrace running = trace;
            if (running != null) {
                throw new IllegalStateException("runtime \"" + name + "\" is already tracing to " + running.path
                        + ": call stopTrace() first");
            }
            Files.newBufferedWriter(path).close();
            trace = new ExecTrace(path, maxEventsPerThread);
        }
    }

    /** {@link #startTrace} with {@link ExecTrace#DEFAULT_MAX_EVENTS} events per thread. */
    public void startTrace(Path path) throws IOException {
        startTrace(path, ExecTrace.DEFAULT_MAX_EVENTS);
    }

    /**
     * Stops the trace and writes it (Chrome Trace Event JSON, see {@link TraceJson}).
     *
     * @throws IllegalStateException if no trace is recording
     */
    public TraceSummary stopTrace() throws IOException {
        synchronized (traceLock) {
            ExecTrace tr = trace;
            if (tr == null) {
                throw new IllegalStateException("runtime \"" + name + "\" is not tracing: call startTrace(path) first");
            }
            trace = null;
            TraceJson.Counts counts = TraceJson.write(tr, this);
            return new TraceSummary(tr.path, counts.events(), counts.dropped());
        }
    }

    // ---- observation ----

    public GoRuntime runtime() {
        return runtime;
    }

    public String name() {
        return name;
    }

    public int procs() {
        return procs;
    }

    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    PrintStream diagnostics() {
        return diagnostics;
    }

    ClassLoader contextClassLoader() {
        return contextClassLoader;
    }

    public boolean isClosing() {
        return closing;
    }

    public int liveGoroutines() {
        return allgs.size();
    }

    /** See {@link #coarseNanos}. Sysmon calls it each round; observers read through it. */
    void tickCoarseClock(long now) {
        coarseNanos = now;
    }

    /** The coarse clock goroutines are stamped with when they park. Any thread. */
    long coarseNanos() {
        return coarseNanos;
    }

    public long goroutinesCreated() {
        return created.sum();
    }

    /** Live goroutines by {@code GoroutineState} ordinal. */
    public int[] goroutineStateCounts() {
        return allgs.countByState();
    }

    public List<GoHandle> allGoroutines() {
        return List.copyOf(allgs.snapshot());
    }

    public int threads() {
        synchronized (lock) {
            return mcount;
        }
    }

    /** See {@link SchedTrace}: counts under the lock, per-P and per-M fields racily. */
    public SchedTrace schedtrace() {
        int idleProcs, threads, idleThreads = 0, runQueue;
        boolean need;
        List<M> ms;
        Set<M> idle = Collections.newSetFromMap(new IdentityHashMap<>());
        synchronized (lock) {
            idleProcs = npidle;
            threads = mcount;
            runQueue = globalSize;
            need = needSpinning;
            for (M m = midle; m != null; m = m.idleLink) {
                idle.add(m);
                idleThreads++;
            }
            ms = new ArrayList<>(allm);
        }
        List<SchedTrace.Proc> ps = new ArrayList<>(procs);
        for (P pp : allp) {
            M owner = pp.m;   // race: may lag the status by one transition
            ps.add(new SchedTrace.Proc(pp.id, pp.isIdle() ? 0 : 1, pp.mountedBy() != null, pp.schedtickOpaque(),
                    owner != null ? owner.mid : -1, pp.runq.size(), pp.peekRunnext() != null, pp.timers.size()));
        }
        ms.sort(Comparator.comparingInt(m -> m.mid));
        List<SchedTrace.Machine> machines = new ArrayList<>(ms.size());
        for (M m : ms) {
            // race: p, curg, spinning and lockedg are the M's own fields, read as it last wrote them
            P pp = m.p;
            // An M whose P sysmon retook keeps its p field until its goroutine returns; the P
            // is no longer its own (Go's M in a syscall shows p=-1 too).
            if (pp != null && pp.m != m) {
                pp = null;
            }
            G cur = m.curg, locked = m.lockedg;
            machines.add(new SchedTrace.Machine(m.mid, pp != null ? pp.id : -1, cur != null ? cur.id : -1,
                    m.spinning, idle.contains(m), locked != null ? locked.id : -1));
        }
        return new SchedTrace((System.nanoTime() - startNanos) / 1_000_000, procs, idleProcs, threads,
                nmspinning.get(), need, idleThreads, runQueue, ps, machines);
    }

    public List<LatencyHistogram> scheduleLatency() {
        List<LatencyHistogram> hs = new ArrayList<>(procs);
        for (P pp : allp) {
            hs.add(pp.latencyHistogram());
        }
        return hs;
    }

    public List<ProcStats> procStats() {
        List<ProcStats> stats = new ArrayList<>(procs);
        for (P pp : allp) {
            stats.add(pp.stats());
        }
        return stats;
    }
}
