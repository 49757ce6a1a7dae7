package io.goloom.sched;

import io.goloom.GoHandle;
import io.goloom.Priority;
import io.goloom.SchedulingPolicy;
import io.goloom.TraceSummary;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The state one runtime's Ms share (Go's {@code schedt}) and the operations that tie its parts
 * together: creating goroutines, readying them, handing Ps off.
 *
 * <h2>Glossary</h2>
 * <b>G</b>: a goroutine, a virtual thread ({@link G}). <b>M</b>: a carrier, a platform thread
 * running the schedule loop ({@link M}). <b>P</b>: a processor, the right to run goroutines;
 * {@code procs} of them, each with a local run queue ({@link P}). The design is Go's
 * ({@code runtime/proc.go}, "Scalable Go Scheduler", Vyukov 2012).
 *
 * <h2>Map of the package</h2>
 * One protocol per file, each with its essay at the top:
 * <ul>
 *   <li>{@code Scheduler}: this file; where a readied goroutine goes, hand-off.
 *   <li>{@link G} (status state machine), {@link P} (ownership, runnext, counters),
 *       {@link RunQueue} (memory ordering), {@link M} (the schedule loop, stealing).
 *   <li>{@link GlobalQueue}: the global run queue, with the priority classes', the bulk and the tenants' lanes.
 *   <li>{@link TenantShare}, {@link Tenants}: a tenant's weighted share (virtual runtime, lane,
 *       quota, counters), and the runtime's tenants by index.
 *   <li>{@link PolicyRules}: what differs between scheduling policies, read once per decision.
 *   <li>{@link Idle}: idle Ps and Ms and spinning Ms, both halves of "no lost wake-ups".
 *   <li>{@link Sysmon}: preemption requests, retakes, timers nobody else runs;
 *       {@link ThreadNice}: how it demotes a retaken carrier.
 *   <li>{@link TimerHeap}, {@link TimerLane}, {@link Timer}: per-P timers.
 *   <li>{@link Current}: what goroutine code does to itself (the facade's and channels' entry).
 *   <li>{@link Shutdown}: the lifecycle table and how a runtime closes.
 *   <li>{@link Snapshots}: what observers see; {@link ExecTrace} and {@link TraceJson}: the
 *       execution trace; {@link SchedEvents}: JFR events.
 *   <li>{@link VirtualThreads}: the one seam to the JDK ({@link JdkVirtualThreads} for JDK 25).
 * </ul>
 * Nothing here imports the facade ({@code GoRuntime}, {@code Go}), {@code io.goloom.trace} or
 * the channels; it builds on the leaf types of {@code io.goloom} alone (see package-info).
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
 *       P's local queue, then {@link Idle#wakep()}. Go puts it in {@code runnext}; measured
 *       here, spawning 1,000,000 from one goroutine ran at 0.96x the JDK's rate that way and
 *       1.27x at the tail (docs/PERFORMANCE.md);
 *   <li>from the goroutine's own carrier right after it unmounted ({@code Thread.yield()}, or a
 *       park whose permit was already there): the local queue's tail (Go's {@code goyield});
 *       after {@code Go.yield()}: the global queue (Go's {@code Gosched});
 *   <li>from a timer the M fires ({@code Go.sleep}, and the JDK's own timeouts, see
 *       {@link JdkTimeouts}): {@code runnext}, the previous occupant to the tail (Go's
 *       {@code goready}); the M then runs it before the global turns after a preemption;
 *   <li>from any other thread (a JDK timer, poller or unblocker thread, a platform thread, a
 *       goroutine of another runtime): the global queue, then {@link Idle#wakep()}.
 * </ul>
 * That is for NORMAL goroutines of the default tenant. One of another class ({@code Priority})
 * goes, on every path, to its class's lane of the global queue, and a NORMAL one of another
 * tenant to its tenant's lane ({@link TenantShare}), then {@link Idle#wakep()}; a CRITICAL or
 * HIGH one also makes a lower run yield when no P is idle ({@link #preemptLowerRun}).
 *
 * <h2>Locking</h2>
 * One lock ({@link #lock}) guards the {@link GlobalQueue}, the idle-P and idle-M lists and the
 * list of all Ms ({@link Idle}), the locked-goroutine map, and the lifecycle's
 * {@code terminated} transition ({@link Shutdown}). It is never held while blocking and never
 * taken on the runnext or local-queue paths. Methods that need it assert it.
 */
public final class Scheduler {

    /** What built this scheduler, for {@link #owner()}: sched does not know its type. */
    private final Object owner;
    /** When this runtime was built; schedtrace's clock. */
    final long startNanos;
    private final String name;
    final int procs;
    final P[] allp;
    final StealOrder stealOrder;
    final int maxThreads;
    /** {@link Config#retakenNice}: what sysmon demotes a retaken carrier to, if {@link #threadNice} is not null. */
    final int retakenNice;
    /** How sysmon demotes retaken carriers, or null: not asked for, or refused by the OS (then said once). */
    final ThreadNice threadNice;
    /** The nice value carriers run at, and return to after a demotion: the building thread's. */
    final int baseNice;
    /** Whether a failed restore of a carrier's nice value was reported: once per runtime. CAS. */
    private final AtomicBoolean niceRestoreReported = new AtomicBoolean();
    private final Duration shutdownTimeout;
    final long idleThreadTimeoutNanos;
    private final Thread.UncaughtExceptionHandler uncaughtHandler;
    private final PrintStream diagnostics;
    private final ClassLoader contextClassLoader;

    /** Guards what "Locking" lists. */
    final Object lock = new Object();

    final GlobalQueue globalQueue = new GlobalQueue(lock);
    /** The runtime's tenants (see {@link TenantShare}). */
    final Tenants tenants = new Tenants(TenantShare.DEFAULT_WEIGHT);
    final Idle idle;
    final Sysmon sysmon;
    final Shutdown shutdown;
    final AllGs allgs;
    private final Snapshots snapshots = new Snapshots(this);

    /**
     * The rules of the policy in force ({@link PolicyRules}). Volatile publish: {@link #setPolicy}
     * swaps them whole, and each decision reads them once, so a decision is made under one
     * policy or the other; queued goroutines are not moved (every policy serves every lane of
     * the {@link GlobalQueue}), and each takes the new policy at its next schedule point.
     */
    private volatile PolicyRules rules = PolicyRules.GO;

    /** No new goroutines: see "Lifecycle" in {@link Shutdown}. Volatile publish; set once, under lock. */
    private volatile boolean closing;
    /** Ms exit and readies go to the fallback carrier: see "Lifecycle". Set once, under lock. */
    volatile boolean terminated;

    /**
     * Batches of {@link P#GOID_BATCH} goroutine ids handed out so far (Go's {@code goidgen},
     * counted in batches). A P takes one batch at a time; any other caller takes a whole batch
     * for one id, so every batch stays aligned and a P's goroutines share an {@link AllGs} stripe.
     */
    private final AtomicLong goidBatches = new AtomicLong();
    /**
     * A clock for diagnostics that costs a volatile read: {@code System.nanoTime()} as of
     * sysmon's last round, or of the last time a P left an all-idle runtime (sysmon stops its
     * rounds then). Goroutines are stamped with it as they park: the stamp is at most a sysmon
     * round old (10 ms). Written by sysmon and, under the lock, by pidleget; read by Ms.
     */
    private volatile long coarseNanos = System.nanoTime();

    /** Goroutines created (by go(), the thread factory, or adoption of an inheriting thread), for metrics. */
    private final LongAdder created = new LongAdder();

    /** A class, not a method reference: "Start-up" in package-info. */
    private final class GoroutineFactory implements ThreadFactory {
        /** The class of the goroutines it makes, or null for their creator's. */
        private final Priority priority;
        /** Their tenant, or null for their creator's. */
        private final TenantShare tenant;

        GoroutineFactory(Priority priority, TenantShare tenant) {
            this.priority = priority;
            this.tenant = tenant;
        }

        @Override
        public Thread newThread(Runnable task) {
            if (closing) {
                throw rejected();
            }
            return newG("", task, priority, tenant).thread();
        }
    }

    private final ThreadFactory threadFactory = new GoroutineFactory(null, null);

    /** Goroutines locked to their M ({@code Go.lockOSThread}), by goroutine. Written under lock. */
    private final ConcurrentHashMap<G, M> lockedTo = new ConcurrentHashMap<>();
    /** {@code lockedTo.size()}, read on every schedule: a volatile read instead of a map lookup. */
    private volatile int lockedCount;
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

    /** Guarded by lock. */
    private boolean sysmonStarted;

    /**
     * A scheduler with {@code config}, whose Ps are all idle until the first goroutine starts.
     *
     * @param owner what {@link #owner()} returns to goroutine code (the facade's runtime object)
     */
    public Scheduler(Config config, Object owner) {
        Objects.requireNonNull(config, "config");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.startNanos = System.nanoTime();
        this.name = config.name();
        this.procs = config.procs();
        this.maxThreads = config.maxThreads();
        this.shutdownTimeout = config.shutdownTimeout();
        this.idleThreadTimeoutNanos = config.idleThreadTimeout().toNanos();
        this.diagnostics = config.diagnostics();
        this.uncaughtHandler = config.handler() != null ? config.handler() : new Thread.UncaughtExceptionHandler() {
            @Override
            public void uncaughtException(Thread t, Throwable e) {
                printUncaught(t, e);
            }
        };
        this.contextClassLoader = Thread.currentThread().getContextClassLoader();
        this.allp = new P[procs];
        for (int i = 0; i < procs; i++) {
            allp[i] = new P(this, i, config.runQueueCapacity());
        }
        this.stealOrder = new StealOrder(procs);
        this.allgs = new AllGs(procs);
        this.sysmon = new Sysmon(this, config.preemptAfter().toNanos(), config.retakeAfter().toNanos());
        this.retakenNice = config.retakenNice();
        this.threadNice = retakenNice > 0 ? openThreadNice() : null;
        this.baseNice = threadNice != null ? threadNice.get(threadNice.tid()) : 0;
        this.shutdown = new Shutdown(this);
        this.idle = new Idle(this, maxThreads);
    }

    /** {@link ThreadNice#open}, or null after saying on the diagnostics stream why it cannot be had. */
    private ThreadNice openThreadNice() {
        try {
            return ThreadNice.open();
        } catch (UnsupportedOperationException e) {
            diagnostics.println("goloom: runtime \"" + name + "\": retakenCarrierNice(" + retakenNice
                    + ") is off: " + e.getMessage());
            return null;
        }
    }

    /** Says, once per runtime, that the OS refused to restore carrier {@code m}'s nice value (it stays demoted). */
    void niceRestoreFailed(M m, int errno) {
        if (niceRestoreReported.compareAndSet(false, true)) {
            diagnostics.println("goloom: runtime \"" + name + "\": could not restore carrier " + m.getName()
                    + "'s nice value to " + baseNice + " (errno " + errno + "): it runs demoted; was RLIMIT_NICE"
                    + " lowered after the runtime was built?");
        }
    }

    // ---- creating goroutines ----

    /**
     * Starts a goroutine of class {@code priority} in {@code tenant}; for either that is null,
     * its creator's.
     */
    public GoHandle go(String name, Runnable task, Priority priority, TenantShare tenant) {
        if (closing) {
            throw rejected();
        }
        G g = newG(name, task, priority, tenant);
        g.thread().start();
        return g;
    }

    public ThreadFactory threadFactory() {
        return threadFactory;
    }

    /** A factory of goroutines of class {@code priority} in {@code tenant}; for either that is null, the creator's. */
    public ThreadFactory threadFactory(Priority priority, TenantShare tenant) {
        return new GoroutineFactory(priority, tenant);
    }

    // ---- tenants (see TenantShare) ----

    /**
     * A new tenant (see {@code GoRuntime.tenant}).
     *
     * @throws IllegalArgumentException naming the bad value and the accepted range
     * @throws IllegalStateException if the name is taken or the runtime has its most tenants
     */
    public TenantShare newTenant(String name, int weight, int maxGoroutines) {
        return tenants.create(name, weight, maxGoroutines);
    }

    /** Every tenant, the default one first. */
    public List<TenantShare> tenants() {
        return tenants.list();
    }

    /** Nanoseconds {@code t} starved up to now (see {@link TenantShare#starveNanos}). */
    public long starveNanos(TenantShare t) {
        return t.starveNanos(lock, System.nanoTime());
    }

    /** Live goroutines of tenant {@code t}, racy: the default tenant's are the rest of the live set. */
    public int goroutinesOf(TenantShare t) {
        if (t.index != 0) {
            return t.goroutines();
        }
        int others = 0;
        for (TenantShare o : tenants.list()) {
            others += o.index != 0 ? o.goroutines() : 0;
        }
        return Math.max(0, allgs.size() - others);
    }

    /**
     * Starts a system goroutine ({@link G#system()}); the threads it starts with the JDK's own
     * APIs are adopted as system goroutines too. For {@link IoPollers} only.
     */
    void goSystem(String name, Runnable task) {
        new G(this, newGoid(), G.SYSTEM, System.nanoTime(), Priority.NORMAL, tenants.root(), name, task).thread().start();
    }

    /** A system goroutine for an existing thread's continuation ({@link IoPollers} taking pollers over). */
    G newSystemG(Runnable cont) {
        return new G(this, newGoid(), cont, true, System.nanoTime(), Priority.NORMAL, tenants.root());
    }

    /** Hosts the JDK's I/O pollers if nobody does; once, right after the runtime is built. See {@link IoPollers}. */
    public void startIoPollers() {
        IoPollers.startIn(this);
    }

    /**
     * A new goroutine of class {@code priority} in {@code tenant}; for either that is null, its
     * creator's (a goroutine of this runtime; else NORMAL in the default tenant).
     */
    private G newG(String name, Runnable task, Priority priority, TenantShare tenant) {
        IoPollers.awaitStarted();
        created.increment();
        G parent = Current.g();
        boolean ours = parent != null && parent.sched == this;
        G g = new G(this, newGoid(), ours ? parent.id : 0, creationNanos(parent),
                priority != null ? priority : ours ? parent.priority() : Priority.NORMAL,
                tenant != null ? tenant : ours ? parent.tenantShare() : tenants.root(), name, task);
        g.thread().setUncaughtExceptionHandler(uncaughtHandler);
        return g;
    }

    /**
     * A new goroutine's {@link G#createdNanos}: the coarse clock when {@code creator} (the
     * calling goroutine, or null) is ours (one runs, so sysmon ticks the clock), else
     * {@code System.nanoTime()} (the runtime may be all idle, and the coarse clock as old as
     * that). {@code System.nanoTime()} on every spawn was 4% of a spawn storm's CPU.
     */
    private long creationNanos(G creator) {
        return creator != null && creator.sched == this ? coarseNanos : System.nanoTime();
    }

    /**
     * A new goroutine id: from the P's batch when the caller is a goroutine whose M owns a P
     * (enterOp succeeds), else the first of a batch of its own.
     */
    private long newGoid() {
        if (VirtualThreads.JDK.currentCarrierThread() instanceof M m && m.sched == this) {
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
        if (G.nextRunTracked(before) || g.tenantIndex() != 0) {
            g.schedNanos = System.nanoTime();   // a tenant's goroutine: its wait is counted for every run
        }
        if (terminated) {
            shutdown.runAfterClose(g);
            return;
        }
        if (VirtualThreads.JDK.currentCarrierThread() instanceof M m && m.sched == this) {
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
        wakeFor(g.tier());
    }

    /**
     * After a goroutine of class {@code tier} was put on the global queue: wakes an idle P for
     * it, and if none is idle, makes a lower class's run yield, as priorities promise (for a
     * NORMAL one, if the policy makes bulk picks yield to it).
     */
    private void wakeFor(int tier) {
        idle.wakep();
        if (idle.npidle == 0 && (tier < G.TIER_NORMAL || (tier == G.TIER_NORMAL && rules.readyPreemptsBulk()))) {
            preemptLowerRun(tier);
        }
    }

    /** The most Ps {@link #preemptLowerRun} looks at: a ready stays O(1) on a runtime with many Ps. */
    private static final int PREEMPT_SCAN = 8;

    /**
     * Asks the run of the lowest class below {@code tier} on one P, if any, to yield at its next
     * checkpoint, so that a goroutine of class {@code tier} just put on the global queue runs
     * within a checkpoint's interval instead of a sysmon round. A bulk pick made with nothing
     * else to run counts as BULK ({@link M#runTier}). Looks at up to {@value #PREEMPT_SCAN} Ps
     * from a random one. Racy reads of each P's M: a stale one asks a new run to yield early,
     * or asks nobody.
     */
    private void preemptLowerRun(int tier) {
        int n = Math.min(procs, PREEMPT_SCAN);
        int start = procs == 1 ? 0 : ThreadLocalRandom.current().nextInt(procs);
        M lowest = null;
        int lowestTier = tier;
        for (int i = 0; i < n && lowestTier < G.TIER_BULK; i++) {
            M m = allp[(start + i) % procs].mountedBy();
            int t;
            if (m != null && (t = m.runTier()) > lowestTier) {
                lowest = m;
                lowestTier = t;
            }
        }
        if (lowest != null) {
            if (tier < G.TIER_NORMAL) {
                lowest.requestPreemptOfAnyRun();
            } else {
                lowest.requestPreempt();
            }
        }
    }

    /**
     * Records {@code g}'s ready as GoCreate (its first) or GoUnblock, with the readier: the
     * goroutine running on the calling M, or 0 for a thread (a timer fired by an M or sysmon, a
     * JDK or platform thread). A goroutine requeued by its own carrier as it unmounts (a yield,
     * or a park whose permit was already there) was not blocked: nothing is recorded.
     */
    private void traceReady(ExecTrace tr, G g, int prev) {
        if (prev == G.S_NEW) {
            if (!g.system()) {   // as in a dump: the JDK's pollers are not the program's goroutines
                tr.record(this, ExecTrace.GO_CREATE, -1, g.id, g.parentId(), g.tier() | (long) g.tenantIndex() << 2);
            }
            return;
        }
        if (VirtualThreads.JDK.currentCarrierThread() instanceof M m && m.sched == this) {
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
        if (g.queuesGlobally()) {
            // Another class, or a tenant: its lane of the global queue, whatever the path.
            g.yieldTo(G.YIELD_LOCAL);
            globrunqput(g);
            if (Thread.currentThread() == m) {
                idle.wakep();   // m is at a schedule point itself: no run need make room
            } else {
                wakeFor(g.tier());
            }
            return;
        }
        if (Thread.currentThread() == m) {
            // Its own carrier, right after the continuation unmounted, or a timer fired by m.
            byte lane = g.yieldTo();
            if (lane != G.YIELD_LOCAL) {
                g.yieldTo(G.YIELD_LOCAL);
                if (lane == G.YIELD_BULK) {
                    globrunqputBulk(g);
                    idle.wakep();   // an idle P may run it; this one looks at every other source first
                } else {
                    globrunqput(g);
                }
            } else if (m.firingTimers) {
                G old = pp.putRunnext(g);   // Go's goready: the last one fired runs first
                if (old != null) {
                    pp.runqputTail(old);
                }
            } else {
                pp.runqputTail(g);
            }
            return;
        }
        if (prev == G.S_NEW) {
            // A new goroutine: the local tail, not runnext (measured; see the class comment).
            pp.runqputTail(g);
            m.noteQueuedWork();
            idle.wakep();
            return;
        }
        G old = pp.putRunnext(g);
        if (old != null) {
            pp.runqputTail(old);
            m.noteQueuedWork();
            idle.wakep();              // stealable work appeared
        } else if (pp.shouldWakeForRunnext()) {
            idle.wakep();              // the owner has been slow to run its runnext (see P)
        }
    }

    /**
     * A continuation of a thread that inherited one of our goroutines as its scheduler (see
     * "Foreign threads" in {@link G}): adopted on its first submit (its start), as a goroutine
     * of its own that becomes the thread's scheduler, so that every later submit takes
     * {@link G#execute}'s fast path and no map from threads to goroutines is needed. A submit
     * that read the thread's old scheduler before the switch is forwarded here.
     *
     * @param via the goroutine whose {@code execute} got {@code cont}: the thread's creator,
     *            whose scheduler it inherited (a system goroutine's threads are system too)
     * @throws IllegalArgumentException if {@code cont} is not a virtual thread's continuation
     *         (someone called a goroutine's {@code execute} by hand): refused in the caller,
     *         rather than run on a carrier as if it were a goroutine
     */
    void readyForeign(G via, Runnable cont) {
        if (!VirtualThreads.JDK.isContinuation(cont)) {
            throw new IllegalArgumentException("a goroutine's execute(Runnable) takes only the continuation of a"
                    + " virtual thread, which the JDK passes; it was given " + cont
                    + ": to run a task, use GoRuntime.go or the runtime's ThreadFactory");
        }
        Thread thread = VirtualThreads.JDK.threadOf(cont);
        G g = adoptedAs(thread, cont);
        if (g == null) {
            // Locked on the continuation, which only goloom locks: the JDK may submit a thread
            // that is starting a second time (Thread.getStackTrace's resubmit) from another thread.
            synchronized (cont) {
                g = adoptedAs(thread, cont);
                if (g == null) {
                    if (closing && via.system()) {
                        // A JDK poller started while its host closes (the runtime was closed
                        // right after build): it must outlive us, on the JDK's scheduler.
                        IoPollers.adopted(thread);
                        Executor jdk = VirtualThreads.JDK.defaultScheduler();
                        VirtualThreads.JDK.setScheduler(thread, jdk);
                        jdk.execute(cont);
                        return;
                    }
                    if (closing) {
                        throw rejected();
                    }
                    g = new G(this, newGoid(), cont, via.system(), creationNanos(Current.g()), via.priority(),
                            via.tenantShare());
                    VirtualThreads.JDK.setScheduler(thread, g);   // before ready: the queue publishes it with g
                    if (g.system()) {
                        IoPollers.adopted(thread);
                    } else {
                        created.increment();
                    }
                }
            }
        }
        g.sched.ready(g);
    }

    /** The goroutine {@code thread} was adopted as, or null if it has not been. */
    private static G adoptedAs(Thread thread, Runnable cont) {
        return VirtualThreads.JDK.schedulerOf(thread) instanceof G g && g.cont == cont ? g : null;
    }

    /**
     * Live goroutines of each class but NORMAL, by {@code G.TIER_*} (NORMAL's slot unused: it is
     * the rest of the live set). Counted as goroutines join and leave it, so a NORMAL one pays a
     * class check only.
     */
    private final LongAdder[] liveByTier = {new LongAdder(), new LongAdder(), null, new LongAdder()};

    /** Live goroutines of class {@code tier} (not NORMAL), racy. */
    long liveOfTier(int tier) {
        return liveByTier[tier].sum();
    }

    /** Adds a starting goroutine to the live set, or rejects it if the runtime is closing. */
    private void register(G g) {
        if (g.system()) {
            return;   // a system goroutine is not in the live set, and outlives the runtime
        }
        if (g.tenantIndex() != 0) {
            try {
                g.tenantShare().enter(name);
            } catch (RejectedExecutionException e) {
                g.markDead();
                throw e;
            }
        }
        allgs.add(g);
        if (g.tier() != G.TIER_NORMAL) {
            liveByTier[g.tier()].increment();
        }
        // Dekker with Shutdown: we add then read closing; it sets closing then counts.
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
        if (g.system()) {
            return;
        }
        allgs.remove(g);
        if (g.tier() != G.TIER_NORMAL) {
            liveByTier[g.tier()].decrement();
        }
        if (g.tenantIndex() != 0) {
            g.tenantShare().exit();
        }
        if (closing && allgs.isEmpty()) {
            shutdown.drained();
        }
    }

    // ---- the global queue (see GlobalQueue) ----

    /**
     * Appends {@code g} to the global queue's lane for its class: the normal lane (or its
     * tenant's), a CRITICAL or HIGH one's, or the bulk lane (or, after termination, runs it on
     * the fallback carrier).
     */
    void globrunqput(G g) {
        synchronized (lock) {
            if (terminated) {
                shutdown.runAfterClose(g);
                return;
            }
            switch (g.tier()) {
                case G.TIER_NORMAL -> {
                    if (g.tenantIndex() == 0) {
                        globalQueue.put(g);
                    } else {
                        globalQueue.putTenant(g, g.tenantShare(), g.schedNanos);   // ready stamped it
                    }
                }
                case G.TIER_BULK -> globalQueue.putBulk(g, coarseNanos);
                default -> globalQueue.putUrgent(g);
            }
        }
    }

    /**
     * {@link GlobalQueue#getUrgent}: a CRITICAL goroutine, or a HIGH one on HIGH's turn or
     * without one; null if none. Holds a P.
     */
    G globrunqgetUrgent(boolean highFirst) {
        synchronized (lock) {
            return globalQueue.getUrgent(highFirst);
        }
    }

    /** Appends {@code g} to the global queue's bulk lane (or, after termination, runs it on the fallback carrier). */
    void globrunqputBulk(G g) {
        synchronized (lock) {
            if (terminated) {
                shutdown.runAfterClose(g);
                return;
            }
            globalQueue.putBulk(g, coarseNanos);
        }
    }

    /**
     * Whether the global queue's bulk lane has waited its policy's bulk turn
     * ({@link PolicyRules#bulkTurnNanos}) since its last turn. Racy volatile reads; meaningful
     * while the lane is not empty. Any thread.
     */
    boolean bulkTurnDue() {
        return coarseNanos - globalQueue.bulkTurnSince() >= rules.bulkTurnNanos();
    }

    /**
     * {@link GlobalQueue#getTenant}: a goroutine of the tenant most behind, or null if none waits
     * or {@code rootHasWork} and the default tenant is further behind. Holds a P.
     */
    G globrunqgetTenant(boolean rootHasWork) {
        long now = System.nanoTime();
        synchronized (lock) {
            return globalQueue.getTenant(tenants.root(), rootHasWork, now);
        }
    }

    /** The bulk lane's head, or null if it is empty. Holds a P. */
    G globrunqgetBulk() {
        synchronized (lock) {
            return globalQueue.getBulk(coarseNanos);
        }
    }

    /** The policy in force. Any thread. */
    public SchedulingPolicy policy() {
        return rules.policy();
    }

    /** The rules of the policy in force: read once per decision (see {@link #rules}). Any thread. */
    PolicyRules rules() {
        return rules;
    }

    /** Swaps the policy in force: see {@link #rules}. Any thread. */
    public void setPolicy(SchedulingPolicy p) {
        rules = PolicyRules.of(Objects.requireNonNull(p, "policy"));
    }

    /** Appends {@code batch[0..n)} in order and clears those slots. Caller owns the batch array. */
    void globrunqputBatch(G[] batch, int n) {
        synchronized (lock) {
            if (terminated) {
                for (int i = 0; i < n; i++) {
                    shutdown.runAfterClose(batch[i]);
                    batch[i] = null;
                }
                return;
            }
            globalQueue.putBatch(batch, n);
        }
    }

    /** {@link GlobalQueue#get}: a batch for {@code pp}, at most {@code max} when positive. Holds {@code pp}. */
    G globrunqget(P pp, int max) {
        synchronized (lock) {
            return globalQueue.get(pp, procs, max);
        }
    }

    // ---- hand-off (Go's retake / handoffp / exitsyscall) ----

    /**
     * Gives {@code pp}, just taken from an M (by sysmon, or by the M's goroutine in
     * {@code Go.blocking}), to another M if it has work, else to the idle list.
     */
    void handoffp(P pp) {
        if (pp.hasWork() || globalQueue.size() > 0) {
            idle.startmOn(pp, false);
            return;
        }
        synchronized (lock) {
            idle.pidleput(pp);
        }
    }

    /** Starts sysmon if it is not running yet. Caller holds the lock. */
    void startSysmon() {
        assert Thread.holdsLock(lock);
        if (!sysmonStarted && !terminated) {
            sysmonStarted = true;
            sysmon.start();
        }
    }

    /** Called by an M's thread as it ends. */
    void mexit(M m) {
        P pp = m.p;
        if (pp != null && pp.heldBy(m)) {
            m.p = null;
            if (terminated) {
                pp.drain(shutdown::runAfterClose);
                pp.release(m);
            } else {
                // Only after a goloom bug: give the P to another M rather than losing its work.
                pp.release(m);
                synchronized (lock) {
                    idle.pidleput(pp);
                }
                if (pp.hasWork() || globalQueue.size() > 0) {
                    idle.startm(false);
                }
            }
        }
        idle.mexit(m);
    }

    // ---- timers ----

    /**
     * {@code heap} got an entry due at {@code when}: makes sure someone runs it in time. The P's
     * owner does at its next schedule (sysmon sees to a busy P whose owner is slow), unless the
     * P is idle: then sysmon is told now. Any thread, after the push. Dekker with
     * {@link Idle#pidleput}: we pushed, then read the P's state; a P going idle is marked IDLE,
     * then its earliest timer is read.
     */
    void timerAdded(TimerHeap heap, long when) {
        if (terminated) {
            shutdown.wakeTimersAfterClose();
        } else if (allp[heap.id].isIdle()) {
            if (sysmon.thread() == null) {
                synchronized (lock) {
                    startSysmon();
                }
            }
            sysmon.wakeForTimer(when);
        }
    }

    // ---- locked goroutines (Go.lockOSThread) ----

    /** The M that {@code g} is locked to, or null. Any M, on every pick. */
    M lockedM(G g) {
        return lockedCount == 0 ? null : lockedTo.get(g);
    }

    /**
     * Binds {@code g}, running on {@code m}, to m. Each locked M is kept from running anything
     * else, so besides the {@code procs} Ms running goroutines there must be one M per locked
     * goroutine: a lock that would leave fewer than that under {@code maxThreads} is refused
     * (otherwise every M could end up waiting for a locked goroutine nobody is left to pick).
     * Called by g.
     *
     * @throws IllegalStateException when {@code maxThreads} leaves no carrier for one more
     */
    void lock(M m, G g) {
        synchronized (lock) {
            if (procs + lockedTo.size() + 1 > maxThreads) {
                throw new IllegalStateException("Go.lockOSThread(): runtime \"" + name + "\" has maxThreads="
                        + maxThreads + ", procs=" + procs + " and " + lockedTo.size()
                        + " locked goroutine(s); a locked goroutine needs a carrier of its own beyond procs:"
                        + " raise GoRuntime.builder().maxThreads(...) to at least " + (procs + lockedTo.size() + 1));
            }
            lockedTo.put(g, m);
            lockedCount = lockedTo.size();
        }
        m.lockedg = g;
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

    private void printUncaught(Thread t, Throwable e) {
        G g = Current.g();
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

    // ---- lifecycle (see Shutdown) ----

    /** See {@code GoRuntime.shutdown}: the stragglers still alive at termination. */
    public List<GoHandle> shutdown(Duration timeout) {
        return shutdown.shutdown(timeout);
    }

    /** OPEN -> CLOSING. @return false if the runtime was closing already */
    boolean markClosing() {
        synchronized (lock) {
            boolean first = !closing;
            closing = true;
            return first;
        }
    }

    public boolean isClosing() {
        return closing;
    }

    // ---- observation ----

    /** The object this scheduler was built for (the facade's runtime); see the constructor. */
    public Object owner() {
        return owner;
    }

    /** What observers may read; see {@link Snapshots}. */
    public Snapshots snapshots() {
        return snapshots;
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

    int liveGoroutines() {
        return allgs.size();
    }

    long goroutinesCreated() {
        return created.sum();
    }

    /** See {@link #coarseNanos}. Sysmon calls it each round; observers read through it. */
    void tickCoarseClock(long now) {
        coarseNanos = now;
    }

    /** The coarse clock goroutines are stamped with when they park. Any thread. */
    long coarseNanos() {
        return coarseNanos;
    }
}
