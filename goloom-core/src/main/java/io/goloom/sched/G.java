package io.goloom.sched;

import io.goloom.GoHandle;
import io.goloom.GoroutineState;
import io.goloom.Priority;
import io.goloom.WaitReason;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;

/**
 * A goroutine (Go's {@code g}): one virtual thread, and the {@link Executor} the JDK hands that
 * thread's continuation to whenever it becomes runnable. Because every goroutine is its own
 * scheduler, {@link #execute} knows which goroutine is ready without a lookup.
 *
 * <h2>Status</h2>
 * {@code status} packs a state (low 3 bits) and a run generation (the rest), so that an M that
 * finished running a goroutine cannot overwrite a newer state:
 * <pre>
 *   NEW      -> RUNNABLE          // first execute(): Thread.start()
 *   WAITING  -> RUNNABLE          // execute(): unpark, timeout, I/O, monitor, yield
 *   RUNNING  -> RUNNABLE          // execute() from the carrier after the continuation unmounted,
 *                                 //   before its M looked (yield, park whose permit was there)
 *   RUNNABLE -> RUNNING, gen+1    // an M takes it from a queue and mounts it
 *   RUNNING  -> WAITING, same gen // its M, after the continuation returned, if nobody readied it
 *   any      -> DEAD              // its M, once the thread has terminated (exactly once)
 * </pre>
 * The JDK calls {@code execute} only after the continuation has unmounted. It may call it again
 * for a goroutine that is already RUNNABLE (after {@code Thread.getStackTrace()}); that call
 * finds RUNNABLE and adds nothing, so a goroutine is in at most one queue at a time. It may be
 * queued, and even running on another M, before the M that ran it last has returned from
 * {@code cont.run()}: that M's {@code RUNNING -> WAITING} CAS then fails on the generation.
 *
 * <h2>Foreign threads</h2>
 * A virtual thread created with plain {@code Thread.ofVirtual()} inside a goroutine inherits
 * that goroutine as its scheduler, so {@code execute} may receive a continuation that is not
 * {@link #cont}: the first time, when that thread starts. Those go to
 * {@link Scheduler#readyForeign}, which adopts the thread as a goroutine of its own and makes
 * that goroutine the thread's scheduler, so later submits come straight to it.
 */
final class G implements Executor, GoHandle {

    static final int S_NEW = 0, S_RUNNABLE = 1, S_RUNNING = 2, S_WAITING = 3, S_DEAD = 4;
    private static final int STATE_MASK = 0x7, GEN_ONE = 0x8;

    private static final VarHandle STATUS;

    static {
        try {
            STATUS = MethodHandles.lookup().findVarHandle(G.class, "status", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // Layout: 72 bytes with compressed oops (GoroutineRecordTest holds it there). The JDK's own
    // part of a parked virtual thread is ~750-820 bytes, so each byte here costs a million
    // goroutines ~0.1%: the thread is reached through cont, the sampled runs are chosen by the
    // run generation in status, and there are two timestamps (creation, one scheduling sample
    // that doubles as "parked since"). The creator's id (Go's parentGoid) took it from 64; the
    // wait reason took the byte of the adopted flag, which the creator's id now encodes; the
    // tenant shares that id's word.

    final Scheduler sched;
    /** The JDK's runContinuation of the goroutine's thread: running it mounts the goroutine. */
    final Runnable cont;
    final long id;
    /**
     * When it was created: a diagnostic stamp (dumps, the report at close), from the coarse
     * clock when a goroutine of the same runtime creates it ({@code Scheduler.creationNanos}).
     */
    final long createdNanos;
    /**
     * Two fields in one word: the high 16 bits, the index of the goroutine's tenant
     * ({@link TenantShare#index}, 0 for the default one); the low 48, sign-extended, the
     * goroutine that created this one (Go's {@code parentGoid}), 0 if created outside the
     * runtime, {@link #FOREIGN} if adopted (see "Foreign threads"). A creator's id past
     * 2<sup>47</sup> (4 years of a million goroutines a second) is kept as 0: it is a diagnostic.
     */
    private final long parentAndTenant;
    /** The creator of an adopted thread: that flag costs no byte of its own. */
    private static final long FOREIGN = -1;
    /** The creator of a system goroutine ({@link IoPollers}), created or adopted. */
    static final long SYSTEM = -2;
    private static final int PARENT_BITS = 48;
    private static final long PARENT_MASK = (1L << PARENT_BITS) - 1, PARENT_MAX = (1L << (PARENT_BITS - 1)) - 1;

    /** State and run generation; CAS as in the table above. */
    private volatile int status;

    /**
     * Timestamps are taken for one run in {@value #TRACK_PERIOD} (when the run's generation is a
     * multiple of it), like Go's scheduling-latency tracking ({@code gTrackingPeriod = 8}):
     * {@code System.nanoTime()} costs ~24 ns here, as much as the rest of a switch's overhead,
     * so every switch cannot pay it, and a goroutine that runs once pays only for its creation.
     * As in Go ({@code newproc1} seeds {@code trackingSeq} at random), a new goroutine's
     * generation starts at an offset picked from its id ({@link #firstGeneration}), so one
     * goroutine in {@value #TRACK_PERIOD} has its <em>first</em> run timed: without it, a request
     * goroutine that runs two or three times was never sampled, and the latency users care most
     * about, a new goroutine waiting for a carrier, went unmeasured.
     */
    static final int TRACK_PERIOD = 8;

    /**
     * When it last parked, on sysmon's coarse clock ({@link Scheduler#coarseNanos}), written by
     * its M as the run ends; for a tracked run, when it was readied (exact) until its M starts
     * it, then when it started. So while WAITING it says how long the goroutine has waited (to
     * a sysmon round), which dumps and leak reports use. Written by whoever readies / runs /
     * parks the goroutine (one at a time: the queue hand-off orders a ready before the run).
     * Read racily by observers; a stale value only ages a diagnostic.
     */
    long schedNanos;
    /** The P it last ran on, -1 before its first run. Written by its M; read racily. */
    short lastP = -1;
    /**
     * Why it parks, as its code said with {@link Current#setWaitReason} ({@link #codeOf}),
     * or 0. Written by the goroutine itself while mounted, cleared by its M as a run starts;
     * read by that M as the run ends and racily by observers.
     */
    byte waitReason;
    /**
     * Three small fields in one byte, so that the record keeps its size (see "Layout"): bits 0-1,
     * where the coming {@code Thread.yield()} goes ({@link #yieldTo()}), bits 2-3 the
     * goroutine's priority class ({@link #tier()}), and bit 4 whether it has a tenant of its
     * own ({@link #queuesGlobally}). The class and the tenant bit are written once, before the
     * thread starts; the yield lane by the goroutine just before it yields and by its carrier as the
     * continuation unmounts. Those are one after the other (a mount or unmount orders them), so
     * plain read-modify-writes of the byte lose neither; readers elsewhere read the tier, which
     * the thread's start published.
     */
    private byte lanes;
    /**
     * {@link #yieldTo()} values: the JDK's own yield; {@code Go.yield()} or a preemption under
     * Go's policy; a preemption under the fair policy.
     */
    static final byte YIELD_LOCAL = 0, YIELD_GLOBAL = 1, YIELD_BULK = 2;
    /** {@link #tier()} values: {@code Priority}'s ordinals. */
    static final int TIER_CRITICAL = 0, TIER_HIGH = 1, TIER_NORMAL = 2, TIER_BULK = 3;
    private static final Priority[] PRIORITIES = Priority.values();
    private static final int TIER_SHIFT = 2, TENANT_BIT = 0x10;

    /** Link in the global run queue. Guarded by the scheduler lock. */
    G schedlink;
    /** Links in the live-goroutine registry. Guarded by the registry stripe's lock. */
    G allPrev, allNext;

    /** A new goroutine: creates its (unstarted) virtual thread with this G as the scheduler. */
    G(Scheduler sched, long id, long parentId, long createdNanos, Priority priority, TenantShare tenant,
      String name, Runnable task) {
        this.sched = sched;
        this.id = id;
        this.parentAndTenant = pack(parentId, tenant);
        this.lanes = lanesOf(priority, tenant);
        this.createdNanos = createdNanos;
        this.status = firstGeneration(id);
        // Safe to publish 'this': the thread is not started, so the JDK calls nothing yet.
        this.cont = VirtualThreads.JDK.continuationOf(VirtualThreads.JDK.newThread(this, name, task));
    }

    /** Adopts a virtual thread that inherited a goroutine as its scheduler; see the class comment. */
    G(Scheduler sched, long id, Runnable cont, boolean system, long createdNanos, Priority priority,
      TenantShare tenant) {
        this.sched = sched;
        this.id = id;
        this.parentAndTenant = pack(system ? SYSTEM : FOREIGN, tenant);
        this.lanes = lanesOf(priority, tenant);
        this.createdNanos = createdNanos;
        this.status = firstGeneration(id);
        this.cont = cont;
    }

    private static long pack(long parentId, TenantShare tenant) {
        long parent = parentId > PARENT_MAX ? 0 : parentId;
        return (long) tenant.index << PARENT_BITS | parent & PARENT_MASK;
    }

    private static byte lanesOf(Priority priority, TenantShare tenant) {
        return (byte) (priority.ordinal() << TIER_SHIFT | (tenant.index != 0 ? TENANT_BIT : 0));
    }

    /**
     * Called by the JDK whenever the thread becomes runnable: from the thread that starts or
     * unparks it (a goroutine pinned meanwhile, or any platform thread), from its own carrier
     * right after it unmounted, or from a JDK timer, unblocker or poller thread. Never blocks.
     */
    @Override
    public void execute(Runnable task) {
        if (task == cont) {
            sched.ready(this);
        } else {
            sched.readyForeign(this, task);
        }
    }

    // ---- status transitions (see the table in the class comment) ----

    /**
     * NEW/WAITING/RUNNING -> RUNNABLE; a DEAD goroutine stays DEAD.
     *
     * @return the status before the call: see {@link #stateOf} and {@link #nextRunTracked}
     */
    int markRunnable() {
        for (;;) {
            int s = status;
            if (stateOf(s) == S_DEAD || STATUS.compareAndSet(this, s, (s & ~STATE_MASK) | S_RUNNABLE)) {
                return s;
            }
        }
    }

    /** RUNNABLE -> RUNNING with a new generation. Called by the M that dequeued it. */
    int markRunning() {
        for (;;) {
            int s = status;
            int running = ((s & ~STATE_MASK) + GEN_ONE) | S_RUNNING;
            if (STATUS.compareAndSet(this, s, running)) {
                return running;
            }
        }
    }

    /**
     * RUNNING -> WAITING unless somebody readied or re-ran it since {@code running} was set;
     * stamps {@link #schedNanos} with {@code parkedAt} (the coarse clock).
     *
     * @return true if it is WAITING now, false if it was readied or re-run meanwhile
     */
    boolean markWaiting(int running, long parkedAt) {
        if (status == running) {
            // Not readied meanwhile (a yield is, before its M gets here): the stamp would
            // overwrite a tracked ready's. race: a ready between this check and the store
            // costs one latency sample its precision.
            schedNanos = parkedAt;
        }
        return STATUS.compareAndSet(this, running, (running & ~STATE_MASK) | S_WAITING);
    }

    /** Whether nobody readied, re-ran or buried it since {@code running} was set. */
    boolean stillRun(int running) {
        return status == running;
    }

    /** any -> DEAD. @return true for the one caller that made the transition. */
    boolean markDead() {
        return ((int) STATUS.getAndSet(this, S_DEAD) & STATE_MASK) != S_DEAD;
    }

    int rawState() {
        return stateOf(status);
    }

    static int stateOf(int status) {
        return status & STATE_MASK;
    }

    /**
     * A NEW status whose generation is one of {@value #TRACK_PERIOD} offsets, spread over the ids
     * by a Fibonacci hash (ids are handed out in sequential batches, and a pattern such as "each
     * request spawns two" must not always land on the same offset).
     */
    static int firstGeneration(long id) {
        int offset = (int) ((id * 0x9E3779B97F4A7C15L) >>> (Long.SIZE - Integer.numberOfTrailingZeros(TRACK_PERIOD)));
        return offset * GEN_ONE | S_NEW;
    }

    /** Whether the run with status {@code running} (from {@link #markRunning}) is timed. */
    static boolean tracked(int running) {
        return (running & (TRACK_PERIOD * GEN_ONE - 1) & ~STATE_MASK) == 0;
    }

    /** Whether the next run after status {@code before} (from {@link #markRunnable}) will be timed. */
    static boolean nextRunTracked(int before) {
        return tracked(before + GEN_ONE);
    }

    // ---- GoHandle ----

    @Override
    public long id() {
        return id;
    }

    @Override
    public String name() {
        return thread().getName();
    }

    @Override
    public Thread thread() {
        return VirtualThreads.JDK.threadOf(cont);
    }

    @Override
    public GoroutineState state() {
        return switch (rawState()) {
            case S_NEW -> GoroutineState.NEW;
            case S_RUNNABLE -> GoroutineState.RUNNABLE;
            // Its M marks it DEAD only after cont.run() returns; the thread ended (and join()
            // returned) a moment before, while still mounted.
            case S_RUNNING -> thread().isAlive() ? GoroutineState.RUNNING : GoroutineState.DEAD;
            case S_WAITING -> GoroutineState.WAITING;
            default -> GoroutineState.DEAD;
        };
    }

    @Override
    public int lastP() {
        return lastP;
    }

    @Override
    public long createdNanos() {
        return createdNanos;
    }

    @Override
    public long parentId() {
        long parent = creator();
        return parent < 0 ? 0 : parent;
    }

    /** The creator's id as packed: an id, 0, {@link #FOREIGN} or {@link #SYSTEM}. */
    private long creator() {
        return parentAndTenant << (Long.SIZE - PARENT_BITS) >> (Long.SIZE - PARENT_BITS);
    }

    /** Its tenant's {@link TenantShare#index}, fixed at creation. Any thread. */
    int tenantIndex() {
        return (int) (parentAndTenant >>> PARENT_BITS);
    }

    /** Its tenant, fixed at creation (see {@code Tenant}). Any thread. */
    TenantShare tenantShare() {
        return sched.tenants.get(tenantIndex());
    }

    @Override
    public String tenant() {
        return tenantShare().name;
    }

    @Override
    public Priority priority() {
        return priorityOf(tier());
    }

    /** The {@code Priority} a {@code TIER_*} value stands for. */
    static Priority priorityOf(int tier) {
        return PRIORITIES[tier];
    }

    /** The priority class as a {@code TIER_*} value: where a ready puts this goroutine. Any thread (see {@link #lanes}). */
    int tier() {
        return lanes >>> TIER_SHIFT & 3;
    }

    /**
     * Whether every ready puts it on the global queue: it is not NORMAL (its class's lane), or it
     * has a tenant of its own (its tenant's lane). One test of the byte, for the ready path.
     * Any thread (see {@link #lanes}).
     */
    boolean queuesGlobally() {
        return (lanes & (3 << TIER_SHIFT | TENANT_BIT)) != TIER_NORMAL << TIER_SHIFT;
    }

    /** Where the coming {@code Thread.yield()} goes: a {@code YIELD_*} value. The goroutine, or its carrier. */
    byte yieldTo() {
        return (byte) (lanes & 3);
    }

    /** Sets {@link #yieldTo()}. The goroutine, or its carrier (see {@link #lanes}). */
    void yieldTo(byte lane) {
        lanes = (byte) (lanes & ~3 | lane);
    }

    /** A system goroutine: not counted, not in dumps, not waited for at close (Go's {@code isSystemGoroutine}). */
    boolean system() {
        return creator() == SYSTEM;
    }

    @Override
    public Optional<WaitReason> waitReason(StackTraceElement[] stack) {
        WaitReason set = reasonOf(waitReason);   // race: read before the state, as in waitingFor
        if (state() != GoroutineState.WAITING) {
            return Optional.empty();
        }
        return Optional.of(classify(thread(), set, stack));
    }

    /**
     * {@link WaitReason#of}, plus goloom's own timers as park blockers ({@code Go.sleep}), which
     * the leaf enum cannot name.
     */
    static WaitReason classify(Thread t, WaitReason set, StackTraceElement[] stack) {
        if (set == null && LockSupport.getBlocker(t) instanceof Timer) {
            return WaitReason.SLEEP;
        }
        return WaitReason.of(t, set, stack);
    }

    private static final WaitReason[] REASONS = WaitReason.values();

    /** {@code r} as stored in {@link #waitReason}: ordinal + 1, so that 0 means "none set". */
    static byte codeOf(WaitReason r) {
        return r == null ? 0 : (byte) (r.ordinal() + 1);
    }

    /** The reason stored as {@code code} ({@link #codeOf}), or null for 0. */
    static WaitReason reasonOf(int code) {
        return code == 0 ? null : REASONS[code - 1];
    }

    @Override
    public Optional<Duration> waitingFor() {
        long since = schedNanos;   // race: read before the state, so a fresh park is not aged by an old stamp
        if (state() != GoroutineState.WAITING) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos(Math.max(0, System.nanoTime() - since)));
    }

    @Override
    public String toString() {
        String name = name();
        return "goroutine " + id + (name.isEmpty() ? "" : " \"" + name + "\"") + " [" + state() + "]";
    }
}
