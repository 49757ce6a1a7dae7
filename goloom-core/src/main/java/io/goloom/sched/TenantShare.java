package io.goloom.sched;

import io.goloom.GoHandle;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.RejectedExecutionException;

/**
 * One tenant's share of the scheduler (the facade's {@code Tenant}; Seastar's scheduling
 * group, cgroup v2's {@code cpu.weight}): its weight, its virtual runtime, its lane of runnable
 * goroutines, its goroutine quota and its counters.
 *
 * <h2>Weighted fair share</h2>
 * Each run of one of its goroutines adds the run's length, divided by the weight, to the
 * tenant's <b>virtual runtime</b> ({@link #charge}); the schedule loop takes the next NORMAL
 * goroutine from the tenant whose virtual runtime is smallest ({@link GlobalQueue#getTenant}),
 * as CFS picks the task with the smallest {@code vruntime}. Over any window in which tenants
 * always have runnable goroutines, their CPU times are then in the ratio of their weights, each
 * off by at most one run. A tenant that was idle does not bank the CPU it did not use: when its
 * lane fills again its virtual runtime is raised to the tenants' clock less {@link #LAG_NANOS}
 * of its own CPU ({@link #floor}), so it runs ahead of the others by at most that much.
 *
 * <p>The default tenant (index 0) is every goroutine started outside a tenant. Its goroutines
 * keep Go's per-P queues, and it competes with the others by its virtual runtime too: the
 * schedule loop takes a tenant's goroutine before its own P's work when that tenant's virtual
 * runtime is behind the default tenant's.
 *
 * <p>Fields: the lane and {@link #starveNanos} are guarded by the scheduler's lock; the other
 * counters are volatile, added to atomically by the Ms whose runs they count and read anywhere.
 */
public final class TenantShare {

    /** cgroup v2's {@code cpu.weight} range and default. */
    public static final int MIN_WEIGHT = 1, MAX_WEIGHT = 10_000, DEFAULT_WEIGHT = 100;
    /** The most tenants a runtime has, the default one included: the index fits G's 16 bits. */
    public static final int MAX_TENANTS = 1024;
    /** The default tenant's name. */
    public static final String DEFAULT_NAME = GoHandle.DEFAULT_TENANT;
    /**
     * How far ahead of the others (in its own CPU time) a tenant whose lane was empty may start:
     * enough that a tenant waking with one short request does not pay for the CPU others used
     * meanwhile, little enough that it cannot take the carriers for long.
     */
    static final long LAG_NANOS = 2_000_000;

    private static final VarHandle VRUNTIME, RUNTIME, WAIT, RUNNING, LIVE, STARVE_SINCE;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            VRUNTIME = l.findVarHandle(TenantShare.class, "vruntime", long.class);
            RUNTIME = l.findVarHandle(TenantShare.class, "runtimeNanos", long.class);
            WAIT = l.findVarHandle(TenantShare.class, "waitNanos", long.class);
            RUNNING = l.findVarHandle(TenantShare.class, "running", int.class);
            LIVE = l.findVarHandle(TenantShare.class, "live", int.class);
            STARVE_SINCE = l.findVarHandle(TenantShare.class, "starveSince", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Its place in {@link Tenants}, and in each of its goroutines' records. */
    final int index;
    final String name;
    final int weight;
    /** The most live goroutines it may have ({@code Integer.MAX_VALUE}: no limit). */
    final int maxGoroutines;

    /**
     * Virtual runtime: run nanoseconds times {@code MAX_WEIGHT / weight}. Added to by Ms as runs
     * end (getAndAdd), raised by {@link #floor} under the scheduler's lock (CAS), read by picks.
     * Compared by difference, so that it may wrap.
     */
    private volatile long vruntime;
    /** Nanoseconds its goroutines ran; getAndAdd by Ms. */
    private volatile long runtimeNanos;
    /**
     * Nanoseconds its goroutines waited runnable: exact for a tenant's own goroutines (stamped
     * as readied), estimated from the sampled runs for the default tenant's. getAndAdd by Ms.
     */
    private volatile long waitNanos;
    /** Its goroutines running now (picked from its lane, not yet ended). getAndAdd by Ms; read under lock. */
    private volatile int running;
    /** Live goroutines: CAS up to {@link #maxGoroutines} as they start, down as they end. */
    private volatile int live;
    /**
     * When it last started to starve (goroutines in its lane, none running), or 0 if it is not
     * starving. Set by CAS from 0, by a ready into its empty lane (under the lock) or by the
     * end of its last running goroutine's run (without it); cleared by getAndSet as a pick takes
     * one of its goroutines (under the lock), which adds the interval to {@link #starveNanos}.
     */
    private volatile long starveSince;
    /** Nanoseconds of ended starving intervals, and the most {@link #starveNanos} reported. Guarded by the scheduler's lock. */
    private long starveNanos, starveReported;

    /** Its lane of the global queue: runnable goroutines linked through {@link G#schedlink}. Guarded by the lock. */
    G head, tail;
    /** Length of the lane. Written under the lock, read racily by a run as it ends ({@link #endRun}). */
    volatile int queued;
    /** Where it is in {@link GlobalQueue}'s active list while its lane is not empty. Guarded by the lock. */
    int activeSlot = -1;

    TenantShare(int index, String name, int weight, int maxGoroutines) {
        this.index = index;
        this.name = name;
        this.weight = weight;
        this.maxGoroutines = maxGoroutines;
    }

    /** Its name, as given to {@code GoRuntime.tenant}. */
    public String name() {
        return name;
    }

    /** Its weight, {@value #MIN_WEIGHT}-{@value #MAX_WEIGHT}. */
    public int weight() {
        return weight;
    }

    /** The most live goroutines it may have, {@code Integer.MAX_VALUE} for no limit. */
    public int maxGoroutines() {
        return maxGoroutines;
    }

    /** Its live goroutines now. */
    public int goroutines() {
        return live;
    }

    /** Nanoseconds its goroutines ran, counted as each run ends. */
    public long runtimeNanos() {
        return runtimeNanos;
    }

    /** Nanoseconds its goroutines waited runnable (see the field). */
    public long waitNanos() {
        return waitNanos;
    }

    /**
     * Nanoseconds it starved up to {@code now}: it had runnable goroutines waiting in its lane
     * and none running. Always 0 for the default tenant, whose goroutines wait in per-P queues
     * no lock guards. Takes the scheduler's lock {@code lock}, for a consistent, monotonic reading.
     */
    long starveNanos(Object lock, long now) {
        synchronized (lock) {
            long since = starveSince;
            long total = starveNanos + (since != 0 && now - since > 0 ? now - since : 0);
            // An interval a run's end began and a racing pick undid (see endRun) may have been
            // read once: never report less than before, so that the metric stays a counter.
            starveReported = Math.max(starveReported, total);
            return starveReported;
        }
    }

    // ---- accounting (Ms) ----

    /** Virtual time for {@code nanos} of this tenant's CPU. */
    long virtual(long nanos) {
        return nanos * MAX_WEIGHT / weight;
    }

    /** Its virtual runtime now (see the field). Any thread. */
    long vruntime() {
        return vruntime;
    }

    /** A run of one of its goroutines lasted {@code nanos}. The run's M. */
    void charge(long nanos) {
        VRUNTIME.getAndAdd(this, virtual(nanos));
        RUNTIME.getAndAdd(this, nanos);
    }

    /** One of its goroutines waited {@code nanos} runnable before a run. The run's M. */
    void addWait(long nanos) {
        WAIT.getAndAdd(this, nanos);
    }

    /**
     * A run picked from its lane ended (after {@link #charge}): if that leaves it with queued
     * goroutines and none running, it starves from now. No lock: racing picks are settled on
     * {@link #starveSince}. The run's M.
     */
    void endRun(long now) {
        if ((int) RUNNING.getAndAdd(this, -1) == 1 && queued > 0
                && STARVE_SINCE.compareAndSet(this, 0L, now) && running != 0) {
            // A pick took one meanwhile (and found no interval to end): this one never began.
            STARVE_SINCE.compareAndSet(this, now, 0L);
        }
    }

    // ---- the lane (scheduler's lock held) ----

    /**
     * Raises the virtual runtime to at least {@code clock} less {@link #LAG_NANOS} of this
     * tenant's CPU (see "Weighted fair share"). Caller holds the lock; races only with charges.
     */
    void floor(long clock) {
        long min = clock - virtual(LAG_NANOS);
        for (long v; (v = vruntime) - min < 0; ) {
            if (VRUNTIME.compareAndSet(this, v, min)) {
                return;
            }
        }
    }

    /** Appends {@code g}, readied at {@code readyNanos}; starts a starving interval if none of its goroutines runs. Caller holds the lock. */
    void append(G g, long readyNanos) {
        g.schedlink = null;
        if (tail == null) {
            head = g;
            if (running == 0) {
                STARVE_SINCE.compareAndSet(this, 0L, readyNanos);
            }
        } else {
            tail.schedlink = g;
        }
        tail = g;
        queued++;
    }

    /** Unlinks the lane's head (the lane is not empty) as it is picked to run at {@code now}. Caller holds the lock. */
    G take(long now) {
        G g = head;
        head = g.schedlink;
        if (head == null) {
            tail = null;
        }
        g.schedlink = null;
        queued--;
        RUNNING.getAndAdd(this, 1);
        long since = (long) STARVE_SINCE.getAndSet(this, 0L);
        if (since != 0 && now - since > 0) {
            starveNanos += now - since;
        }
        return g;
    }

    // ---- the quota ----

    /** Counts a starting goroutine in, or throws if that would pass {@link #maxGoroutines}. Any thread. */
    void enter(String runtime) {
        for (int n; (n = live) < maxGoroutines; ) {
            if (LIVE.compareAndSet(this, n, n + 1)) {
                return;
            }
        }
        throw new RejectedExecutionException("goloom runtime \"" + runtime + "\": tenant \"" + name
                + "\" is at its limit of " + maxGoroutines + " live goroutines (maxGoroutines); start more"
                + " once some end, or raise the limit");
    }

    /** Counts an ended goroutine out. Any thread. */
    void exit() {
        LIVE.getAndAdd(this, -1);
    }

    @Override
    public String toString() {
        return "tenant \"" + name + "\" (weight " + weight + ")";
    }
}
