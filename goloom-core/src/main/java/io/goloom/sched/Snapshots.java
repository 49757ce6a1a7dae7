package io.goloom.sched;

import io.goloom.GoHandle;
import io.goloom.LatencyHistogram;
import io.goloom.ProcStats;
import io.goloom.SchedTrace;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * What observers see of one scheduler: schedtrace, per-P counters and latency histograms, the
 * live goroutines. Every method may be called from any thread, and none stops the world:
 * counts that must agree with each other (idle Ps, Ms, the global queue) are read under the
 * scheduler's lock, once; per-P and per-M fields are read racily and may lag by a transition.
 * They are returned as the leaf types of {@code io.goloom} ({@link SchedTrace},
 * {@link ProcStats}, {@link LatencyHistogram}, {@link GoHandle}), which is all the facade and
 * the {@code trace} package see.
 */
public final class Snapshots {

    private final Scheduler sched;

    Snapshots(Scheduler sched) {
        this.sched = sched;
    }

    /** Go's {@code schedtrace} line and {@code scheddetail} records. */
    public SchedTrace schedtrace() {
        int idleProcs, threads, idleThreads = 0, runQueue, urgentQueue, bulkQueue, tenantQueue;
        boolean need;
        List<M> ms;
        Set<M> idle = Collections.newSetFromMap(new IdentityHashMap<>());
        Idle id = sched.idle;
        synchronized (sched.lock) {
            idleProcs = id.npidle;
            threads = id.mcount();
            runQueue = sched.globalQueue.size();
            urgentQueue = sched.globalQueue.urgentSize();
            tenantQueue = sched.globalQueue.tenantSize();
            bulkQueue = sched.globalQueue.bulkSize();
            need = id.needSpinning;
            for (M m = id.idleMs(); m != null; m = m.idleLink) {
                idle.add(m);
                idleThreads++;
            }
            ms = id.allm();
        }
        List<SchedTrace.Proc> ps = new ArrayList<>(sched.procs);
        for (P pp : sched.allp) {
            M owner = pp.m;   // race: may lag the status by one transition
            ps.add(new SchedTrace.Proc(pp.id, pp.isIdle() ? 0 : 1, pp.mountedBy() != null, pp.schedtickAcquire(),
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
        return new SchedTrace((System.nanoTime() - sched.startNanos) / 1_000_000, sched.procs, idleProcs, threads,
                id.nmspinning.get(), need, idleThreads, runQueue, urgentQueue, bulkQueue, tenantQueue, sched.policy().name(), ps, machines);
    }

    /** Each P's schedule-latency histogram (ready to running, sampled). */
    public List<LatencyHistogram> scheduleLatency() {
        List<LatencyHistogram> hs = new ArrayList<>(sched.procs);
        for (P pp : sched.allp) {
            hs.add(pp.latencyHistogram());
        }
        return hs;
    }

    /** Each P's counters. */
    public List<ProcStats> procStats() {
        List<ProcStats> stats = new ArrayList<>(sched.procs);
        for (P pp : sched.allp) {
            stats.add(pp.stats());
        }
        return stats;
    }

    /** The live goroutines, in no particular order. */
    public List<GoHandle> allGoroutines() {
        return List.copyOf(sched.allgs.snapshot());
    }

    /** Live goroutines by {@code GoroutineState} ordinal. */
    public int[] goroutineStateCounts() {
        return sched.allgs.countByState();
    }

    /**
     * Live goroutines by class ({@code Priority} ordinal), racy: the classes other than NORMAL
     * are counted as goroutines start and end, NORMAL is the rest of {@code liveCount}.
     */
    public int[] goroutineClassCounts(int liveCount) {
        int[] counts = new int[4];
        int others = 0;
        for (int tier = 0; tier < counts.length; tier++) {
            if (tier != G.TIER_NORMAL) {
                counts[tier] = (int) sched.liveOfTier(tier);
                others += counts[tier];
            }
        }
        counts[G.TIER_NORMAL] = Math.max(0, liveCount - others);
        return counts;
    }

    /** Carrier threads (Ms) alive or being created. */
    public int threads() {
        synchronized (sched.lock) {
            return sched.idle.mcount();
        }
    }

    /** The global run queue's length, every lane (racy). */
    public int globalQueueLength() {
        return sched.globalQueue.size();
    }

    /** The CRITICAL and HIGH goroutines waiting in the global run queue (racy): see {@code Priority}. */
    public int urgentQueueLength() {
        return sched.globalQueue.urgentSize();
    }

    /** The goroutines waiting in the lanes of tenants other than the default one (racy): see {@code Tenant}. */
    public int tenantQueueLength() {
        return sched.globalQueue.tenantSize();
    }

    /** The length of the global run queue's bulk lane (racy): see {@code SchedulingPolicy} and {@code Priority}. */
    public int bulkQueueLength() {
        return sched.globalQueue.bulkSize();
    }

    /** Goroutines created so far (by {@code go} and the thread factory). */
    public long goroutinesCreated() {
        return sched.goroutinesCreated();
    }

    /** Goroutines alive now. */
    public int liveGoroutines() {
        return sched.liveGoroutines();
    }
}
