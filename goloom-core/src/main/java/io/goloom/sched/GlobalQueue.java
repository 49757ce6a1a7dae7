package io.goloom.sched;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The global run queue (Go's {@code sched.runq}, a {@code gQueue}): FIFO lists of runnable
 * goroutines linked through {@link G#schedlink}, for work that has no P of its own — readied
 * from outside the runtime, yielded ({@code Go.yield}, preemption), or moved off a full local
 * queue in batches.
 *
 * <p>It has four lanes. The <b>normal</b> lane is Go's global queue. The <b>critical</b> and
 * <b>high</b> lanes hold the runnable goroutines of those priority classes ({@code Priority}),
 * which the schedule loop looks at first (they never enter a P's local queue). The <b>bulk</b>
 * lane holds BULK goroutines and those preempted under the fair policy
 * ({@code SchedulingPolicy.fair()}): the schedule loop takes from it after every other source,
 * and first when it has waited a {@code bulkTurn} since its last turn ({@link #bulkTurnSince}).
 * Each <b>tenant</b> ({@link TenantShare}) but the default one has a lane too, for its NORMAL
 * goroutines: a pick takes from the tenant whose virtual runtime is smallest
 * ({@link #getTenant}). Every policy serves every lane, so a goroutine left in the bulk lane by a policy swapped out
 * still runs. {@link #size()} counts them all, so that every "is there work?" check (idling a
 * P, handing one off, closing) sees every lane.
 *
 * <p>Every method but the sizes and {@link #bulkTurnSince()} is called with the scheduler's
 * lock held (the lock also guards the idle lists, which is what makes "Spinning Ms" in
 * {@link Idle} lose no wake-up: an M checks this queue and puts its P on the idle list in one
 * critical section). Each asserts it. The sizes are volatile reads anywhere, so that the
 * schedule loop skips an empty lane without the lock; a stale value only costs a look or
 * delays one by a loop.
 */
final class GlobalQueue {

    /** A FIFO list of goroutines linked through {@link G#schedlink}. Guarded by the queue's lock. */
    private static final class Lane {
        G head, tail;

        void append(G first, G last) {
            if (tail == null) {
                head = first;
            } else {
                tail.schedlink = first;
            }
            tail = last;
        }

        /** Unlinks the head, or returns null if the lane is empty. */
        G take() {
            G g = head;
            if (g != null) {
                head = g.schedlink;
                if (head == null) {
                    tail = null;
                }
                g.schedlink = null;
            }
            return g;
        }
    }

    private final Object lock;
    private final Lane normal = new Lane(), critical = new Lane(), high = new Lane(), bulk = new Lane();
    /** Length of the normal lane: written under lock, read anywhere (volatile). */
    private volatile int normalSize;
    /** Length of the critical and high lanes together (one read for the schedule loop's first look): as normalSize. */
    private volatile int urgentSize;
    /** Length of the critical lane. Guarded by lock. */
    private int criticalSize;
    /** Length of the bulk lane: written under lock, read anywhere (volatile). */
    private volatile int bulkSize;
    /**
     * When the bulk lane last had a turn, or became non-empty if that came later (the coarse
     * clock, {@link Scheduler#coarseNanos}). Written under lock, read anywhere (volatile).
     */
    private volatile long bulkTurnSince;

    /** Tenants whose lanes are not empty, in no order ({@link TenantShare#activeSlot}). Guarded by lock. */
    private TenantShare[] active = new TenantShare[8];
    private int nactive;
    /** Length of all tenants' lanes: written under lock, read anywhere (volatile). */
    private volatile int tenantSize;
    /**
     * The tenants' virtual clock (CFS's {@code min_vruntime}): never goes back; moved up to the
     * virtual runtime of each tenant picked, under lock, and to the default tenant's while no
     * other tenant has runnable goroutines ({@link #defaultRan}). A tenant whose lane fills is
     * floored to it ({@link TenantShare#floor}). CAS-max by both; read anywhere.
     */
    private volatile long tenantClock;
    /**
     * A lower bound of the smallest virtual runtime of the tenants in {@link #active}, as of the
     * last put or pick (charges only raise them): the schedule loop's lock-free "is a tenant
     * behind the default one?" ({@link #tenantBehind}). Written under lock, read anywhere.
     */
    private volatile long tenantMinHint;

    private static final VarHandle TENANT_CLOCK;

    static {
        try {
            TENANT_CLOCK = MethodHandles.lookup().findVarHandle(GlobalQueue.class, "tenantClock", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    GlobalQueue(Object lock) {
        this.lock = lock;
    }

    /** Racy length of all lanes: see the class comment. Any thread. */
    int size() {
        return normalSize + urgentSize + bulkSize + tenantSize;
    }

    /** Racy length of the tenants' lanes. Any thread. */
    int tenantSize() {
        return tenantSize;
    }

    /** Racy length of the normal lane (one volatile read: the schedule loop's check). Any thread. */
    int normalSize() {
        return normalSize;
    }

    /** Racy length of the critical and high lanes together. Any thread. */
    int urgentSize() {
        return urgentSize;
    }

    /** Racy length of the bulk lane. Any thread. */
    int bulkSize() {
        return bulkSize;
    }

    /**
     * The highest class with goroutines waiting in the urgent lanes, as a {@code G.TIER_*}
     * value, or {@link G#TIER_NORMAL} if neither has any. Racy (a plain read of the critical
     * count): a stale answer asks one run too many or too few to yield for a round. Any thread.
     */
    int urgentTier() {
        return urgentSize == 0 ? G.TIER_NORMAL : criticalSize > 0 ? G.TIER_CRITICAL : G.TIER_HIGH;
    }

    /** Whether HIGH goroutines wait (racy, as {@link #urgentTier}). Any thread. */
    boolean highWaits() {
        return urgentSize > criticalSize;
    }

    /** Racy: when the bulk lane last had a turn (see the field). Meaningful while it is not empty. Any thread. */
    long bulkTurnSince() {
        return bulkTurnSince;
    }

    /** Appends {@code g} to the bulk lane; {@code now} is the coarse clock. Caller holds the lock. */
    void putBulk(G g, long now) {
        assert Thread.holdsLock(lock);
        g.schedlink = null;
        if (bulk.head == null) {
            bulkTurnSince = now;
        }
        bulk.append(g, g);
        bulkSize++;
    }

    /** Takes the bulk lane's head, or null if it is empty; {@code now} is the coarse clock. Caller holds the lock. */
    G getBulk(long now) {
        assert Thread.holdsLock(lock);
        G g = bulk.take();
        if (g != null) {
            bulkSize--;
            bulkTurnSince = now;
        }
        return g;
    }

    /** Appends {@code g}, a CRITICAL or HIGH goroutine, to its class's lane. Caller holds the lock. */
    void putUrgent(G g) {
        assert Thread.holdsLock(lock);
        g.schedlink = null;
        if (g.tier() == G.TIER_CRITICAL) {
            critical.append(g, g);
            criticalSize++;
        } else {
            high.append(g, g);
        }
        urgentSize++;
    }

    /**
     * Takes the critical lane's head, or the high lane's if the critical lane is empty or
     * {@code highFirst} (HIGH's turn) and the high lane is not; null if both are empty. Caller
     * holds the lock.
     */
    G getUrgent(boolean highFirst) {
        assert Thread.holdsLock(lock);
        G g = highFirst ? high.take() : null;
        if (g == null && (g = critical.take()) != null) {
            criticalSize--;
        }
        if (g == null) {
            g = high.take();
        }
        if (g != null) {
            urgentSize--;
        }
        return g;
    }

    /** Appends {@code g} to the normal lane. Caller holds the lock. */
    void put(G g) {
        assert Thread.holdsLock(lock);
        g.schedlink = null;
        normal.append(g, g);
        normalSize++;
    }

    /**
     * Appends {@code batch[0..n)} to the normal lane in order, as one list, and clears those
     * slots. Caller holds the lock and owns the batch array.
     */
    void putBatch(G[] batch, int n) {
        assert Thread.holdsLock(lock);
        for (int i = 0; i < n - 1; i++) {
            batch[i].schedlink = batch[i + 1];
        }
        G last = batch[n - 1];
        last.schedlink = null;
        normal.append(batch[0], last);
        normalSize += n;
        java.util.Arrays.fill(batch, 0, n, null);
    }

    /** Takes the head of any lane, most urgent first, or null if all are empty (for draining at close). Caller holds the lock. */
    G pop() {
        assert Thread.holdsLock(lock);
        G g = getUrgent(false);
        if (g == null && (g = normal.take()) != null) {
            normalSize--;
        }
        if (g == null && nactive > 0) {
            g = takeFrom(active[0], System.nanoTime());
        }
        return g != null ? g : getBulk(bulkTurnSince);   // draining: the turn's clock no longer matters
    }

    // ---- tenants' lanes (see TenantShare) ----

    /**
     * Appends {@code g}, a NORMAL goroutine of tenant {@code t} (not the default one) readied at
     * {@code readyNanos}, to that tenant's lane; a lane that fills floors its tenant to the
     * clock. Caller holds the lock.
     */
    void putTenant(G g, TenantShare t, long readyNanos) {
        assert Thread.holdsLock(lock);
        if (t.queued == 0) {
            t.floor(tenantClock);
            if (nactive == active.length) {
                active = java.util.Arrays.copyOf(active, nactive * 2);
            }
            t.activeSlot = nactive;
            active[nactive++] = t;
            long v = t.vruntime();
            if (nactive == 1 || v - tenantMinHint < 0) {
                tenantMinHint = v;
            }
        }
        t.append(g, readyNanos);
        tenantSize++;
    }

    /**
     * Whether the tenant most behind may be behind the default tenant {@code root}: racy and
     * lock-free, erring towards yes (see {@link #tenantMinHint}), for the schedule loop to skip
     * the lock while the default tenant is the one behind. Any thread.
     */
    boolean tenantBehind(TenantShare root) {
        return tenantMinHint - root.vruntime() <= 0;
    }

    /**
     * Takes the head of the lane of the tenant whose virtual runtime is smallest, to run at
     * {@code now}; null if no lane has goroutines, or if {@code rootHasWork} (the caller's P has
     * the default tenant's goroutines to run) and the default tenant {@code root} is further
     * behind. Each pick floors {@code root} to the clock, so that while tenants have work the
     * default tenant cannot bank CPU it did not use. O(tenants with runnable goroutines).
     * Caller holds the lock.
     */
    G getTenant(TenantShare root, boolean rootHasWork, long now) {
        assert Thread.holdsLock(lock);
        if (nactive == 0) {
            return null;
        }
        TenantShare best = active[0];
        long bestV = best.vruntime();
        for (int i = 1; i < nactive; i++) {
            long v = active[i].vruntime();
            if (v - bestV < 0) {
                best = active[i];
                bestV = v;
            }
        }
        tenantMinHint = bestV;
        root.floor(tenantClock);
        if (rootHasWork && root.vruntime() - bestV < 0) {
            return null;
        }
        advanceClock(bestV);
        return takeFrom(best, now);
    }

    /** The head of {@code t}'s lane (not empty), to run at {@code now}. Caller holds the lock. */
    private G takeFrom(TenantShare t, long now) {
        G g = t.take(now);
        tenantSize--;
        if (t.queued == 0) {
            TenantShare last = active[--nactive];
            active[t.activeSlot] = last;
            last.activeSlot = t.activeSlot;
            active[nactive] = null;
            t.activeSlot = -1;
        }
        return g;
    }

    /**
     * A run of the default tenant {@code root} ended: while no other tenant has runnable
     * goroutines, the clock follows it (one CAS per {@link TenantShare#LAG_NANOS} of its CPU),
     * so that a tenant whose lane fills later starts level with it. Any thread.
     */
    void defaultRan(TenantShare root) {
        long v = root.vruntime();
        if (tenantSize == 0 && v - tenantClock > root.virtual(TenantShare.LAG_NANOS)) {
            advanceClock(v);
        }
    }

    private void advanceClock(long v) {
        for (long c; v - (c = tenantClock) > 0; ) {
            if (TENANT_CLOCK.compareAndSet(this, c, v)) {
                return;
            }
        }
    }

    /**
     * Takes a batch of the normal lane for {@code pp} (Go's {@code globrunqget}): its fair share
     * {@code normalSize/procs + 1}, at most {@code max} when positive and at most half a local queue.
     * Returns one goroutine and puts the rest on {@code pp}'s local queue, or null if the normal
     * lane is empty. Caller holds the lock and {@code pp}.
     */
    G get(P pp, int procs, int max) {
        assert Thread.holdsLock(lock);
        int len = normalSize;
        if (len == 0) {
            return null;
        }
        int n = Math.min(len, len / procs + 1);
        if (max > 0 && n > max) {
            n = max;
        }
        n = Math.min(n, pp.runq.capacity() / 2);
        normalSize = len - n;   // one volatile write for the batch
        pp.count(P.C_GLOBAL_GRABS, n);
        G g = normal.take();
        for (int i = 1; i < n; i++) {
            pp.runqputTail(normal.take());
        }
        return g;
    }
}
