package io.goloom;


import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of a runtime's scheduler, the numbers behind Go's {@code GODEBUG=schedtrace}
 * line, read without stopping anything: counts guarded by the scheduler lock are read under
 * it, per-P and per-M fields racily (each is a value its owner wrote at some recent point).
 *
 * <pre>{@code
 * System.err.println(rt.schedtrace().line());
 * // SCHED 1004ms: gomaxprocs=2 idleprocs=0 threads=5 spinningthreads=1 needspinning=0 idlethreads=2 runqueue=3 [4 0]
 * System.err.print(rt.schedtrace().detail(rt.allGoroutines()));   // GODEBUG=scheddetail=1
 * }</pre>
 *
 * <p>{@code GOLOOM_DEBUG=schedtrace=1000} (or {@code -Dgoloom.debug=...}) prints these every
 * second; see {@code io.goloom.trace.SchedTracer}.
 *
 * @param uptimeMillis    milliseconds since the runtime was built
 * @param gomaxprocs      Ps ({@code procs})
 * @param idleProcs       Ps on the idle list
 * @param threads         carrier threads (Ms) alive or starting
 * @param spinningThreads Ms looking for work to steal
 * @param needSpinning    a wake-up found no idle P; the next M to give up its P looks again
 * @param idleThreads     Ms parked on the idle list
 * @param runQueue        goroutines in the global run queue, every lane
 * @param urgentQueue     of those, the CRITICAL and HIGH goroutines (see {@link Priority})
 * @param bulkQueue       of those, the goroutines in its bulk lane: BULK ones, and those
 *                        preempted under the fair policy (see {@link SchedulingPolicy})
 * @param tenantQueue     of those, the goroutines in the lanes of tenants other than the
 *                        default one (see {@link Tenant})
 * @param policy          the {@link SchedulingPolicy#name()} in force
 * @param procs           one entry per P, by id
 * @param machines        one entry per M, by id
 */
public record SchedTrace(long uptimeMillis, int gomaxprocs, int idleProcs, int threads, int spinningThreads,
                         boolean needSpinning, int idleThreads, int runQueue, int urgentQueue, int bulkQueue,
                         int tenantQueue, String policy,
                         List<Proc> procs,
                         List<Machine> machines) {

    /**
     * One P.
     *
     * @param id        0 to procs-1
     * @param status    Go's numbering: 0 idle, 1 running (held by an M, in its schedule loop or
     *                  running a goroutine)
     * @param running   an M is running a goroutine on it now (its mounted run is what sysmon
     *                  may retake; Go's {@code _Psyscall} is the closest)
     * @param schedtick runs started on it that did not inherit a time slice (Go's schedtick)
     * @param m         the id of the M holding it, or -1
     * @param runqsize  goroutines in its local run queue ({@code runnext} not included)
     * @param runnext   a goroutine waits in its {@code runnext} slot
     * @param timerslen entries in its timer heap, stopped ones not yet swept included
     */
    public record Proc(int id, int status, boolean running, int schedtick, int m, int runqsize, boolean runnext,
                       int timerslen) {
    }

    /**
     * One M (carrier thread).
     *
     * @param id       its id, as in its thread's name ({@code <runtime>-m-<id>})
     * @param p        the id of the P it holds, or -1
     * @param curg     the id of the goroutine mounted on it, or -1
     * @param spinning counted as spinning (looking for work to steal)
     * @param blocked  parked on the idle list
     * @param lockedg  the id of the goroutine locked to it ({@code Go.lockOSThread}), or -1
     */
    public record Machine(int id, int p, long curg, boolean spinning, boolean blocked, long lockedg) {
    }

    public SchedTrace {
        Objects.requireNonNull(policy, "policy");
        procs = List.copyOf(procs);
        machines = List.copyOf(machines);
    }

    /**
     * Go's schedtrace line (Go 1.20+ format), without a trailing newline. Under a policy other
     * than Go's, or while the bulk lane holds goroutines, it ends with
     * {@code policy=NAME bulkqueue=N}, and while CRITICAL or HIGH goroutines wait in the global
     * queue with {@code urgentqueue=N}, and while tenants' goroutines wait in their lanes with
     * {@code tenantqueue=N}: fields Go's line does not have.
     */
    public String line() {
        StringBuilder sb = new StringBuilder("SCHED ").append(uptimeMillis).append("ms: gomaxprocs=").append(gomaxprocs)
                .append(" idleprocs=").append(idleProcs).append(" threads=").append(threads)
                .append(" spinningthreads=").append(spinningThreads).append(" needspinning=").append(needSpinning ? 1 : 0)
                .append(" idlethreads=").append(idleThreads).append(" runqueue=").append(runQueue).append(" [");
        for (int i = 0; i < procs.size(); i++) {
            sb.append(i == 0 ? "" : " ").append(procs.get(i).runqsize());
        }
        sb.append(']');
        if (!policy.equals("go") || bulkQueue > 0) {
            sb.append(" policy=").append(policy).append(" bulkqueue=").append(bulkQueue);
        }
        if (urgentQueue > 0) {
            sb.append(" urgentqueue=").append(urgentQueue);
        }
        if (tenantQueue > 0) {
            sb.append(" tenantqueue=").append(tenantQueue);
        }
        return sb.toString();
    }

    /**
     * Go's {@code scheddetail} text (Go 1.20+ format): a header, then one line per P, per M and
     * per goroutine of {@code goroutines} (sorted by id), each ending with {@code '\n'}. Fields
     * are in Go's order so that Go users can read it as they read Go's.
     *
     * <pre>{@code
     * System.err.print(rt.schedtrace().detail(rt.allGoroutines()));
     * // SCHED 152ms: gomaxprocs=2 idleprocs=1 threads=2 spinningthreads=0 needspinning=1 idlethreads=0 runqueue=0 gcwaiting=0 nmidlelocked=1 stopwait=0 sysmonwait=0
     * //   P0: status=1 schedtick=6 syscalltick=0 m=0 runqsize=0 gfreecnt=0 timerslen=1
     * //   P1: status=0 schedtick=6 syscalltick=0 m=-1 runqsize=0 gfreecnt=0 timerslen=0
     * //   M0: p=0 curg=81 mallocing=0 throwing=0 preemptoff= locks=0 dying=0 spinning=false blocked=false lockedg=-1
     * //   M1: p=-1 curg=-1 mallocing=0 throwing=0 preemptoff= locks=0 dying=0 spinning=false blocked=false lockedg=65
     * //   G1: status=4(sync) m=-1 lockedm=-1
     * //   G49: status=4(sleep) m=-1 lockedm=-1
     * //   G65: status=4(lock) m=-1 lockedm=1
     * //   G81: status=2() m=0 lockedm=-1
     * //   G97: status=1() m=-1 lockedm=-1 priority=CRITICAL
     * }</pre>
     *
     * <p>What goloom has no counterpart for is printed as Go prints it when idle: header
     * {@code gcwaiting=0 stopwait=0} (Go's stop-the-world; the JVM's collector is not the
     * scheduler's), {@code sysmonwait=0} (not in this snapshot); P {@code syscalltick=0
     * gfreecnt=0} (no syscall ticks; goroutine records are not reused); M {@code mallocing=0
     * throwing=0 preemptoff= locks=0 dying=0}. {@code nmidlelocked} counts Ms that hold a
     * locked goroutine ({@code Go.lockOSThread}) which is not running on them, i.e. Ms waiting
     * for it as Go's {@code stoplockedm} does.
     *
     * <p>G lines: {@code status} is Go's number for the {@link GoroutineState}: {@code NEW} 0
     * ({@code _Gidle}), {@code RUNNABLE} 1, {@code RUNNING} 2, {@code WAITING} 4, {@code DEAD} 6.
     * The wait reason, in parentheses, is empty unless the goroutine is WAITING; then it is
     * {@link GoHandle#waitReason}'s {@link WaitReason#label} ({@code chan receive},
     * {@code sleep}, {@code lock}, {@code sync}, {@code park}, ...), the same as the execution
     * trace's and goroutine dumps'; empty when the goroutine was caught between states.
     * {@code m} is the M whose {@code curg} is the goroutine in this snapshot, {@code lockedm}
     * the M it is locked to; -1 for none (as Go 1.19 prints nil). A goroutine of a class other
     * than NORMAL ends with {@code priority=CLASS} (see {@link Priority}), and one of a tenant
     * other than the default {@code tenant=NAME} (see {@link Tenant}), which Go's has not. The goroutines are read after
     * this snapshot was taken, so a G line may disagree with the M lines by a transition.
     */
    public String detail(List<GoHandle> goroutines) {
        int nmidlelocked = 0;
        Map<Long, Integer> mByCurg = new HashMap<>(), mByLocked = new HashMap<>();
        for (Machine m : machines) {
            if (m.curg() >= 0) {
                mByCurg.put(m.curg(), m.id());
            }
            if (m.lockedg() >= 0) {
                mByLocked.put(m.lockedg(), m.id());
                if (m.curg() != m.lockedg()) {
                    nmidlelocked++;
                }
            }
        }
        StringBuilder sb = new StringBuilder("SCHED ").append(uptimeMillis).append("ms: gomaxprocs=").append(gomaxprocs)
                .append(" idleprocs=").append(idleProcs).append(" threads=").append(threads)
                .append(" spinningthreads=").append(spinningThreads).append(" needspinning=").append(needSpinning ? 1 : 0)
                .append(" idlethreads=").append(idleThreads).append(" runqueue=").append(runQueue)
                .append(" gcwaiting=0 nmidlelocked=").append(nmidlelocked).append(" stopwait=0 sysmonwait=0\n");
        for (Proc p : procs) {
            sb.append("  P").append(p.id()).append(": status=").append(p.status()).append(" schedtick=")
                    .append(p.schedtick()).append(" syscalltick=0 m=").append(p.m()).append(" runqsize=")
                    .append(p.runqsize()).append(" gfreecnt=0 timerslen=").append(p.timerslen()).append('\n');
        }
        for (Machine m : machines) {
            sb.append("  M").append(m.id()).append(": p=").append(m.p()).append(" curg=").append(m.curg())
                    .append(" mallocing=0 throwing=0 preemptoff= locks=0 dying=0 spinning=").append(m.spinning())
                    .append(" blocked=").append(m.blocked()).append(" lockedg=").append(m.lockedg()).append('\n');
        }
        List<GoHandle> gs = new ArrayList<>(goroutines);
        gs.sort(Comparator.comparingLong(GoHandle::id));
        for (GoHandle g : gs) {
            GoroutineState state = g.state();
            sb.append("  G").append(g.id()).append(": status=").append(goStatus(state)).append('(')
                    .append(state == GoroutineState.WAITING ? waitReason(g) : "").append(") m=")
                    .append(mByCurg.getOrDefault(g.id(), -1)).append(" lockedm=")
                    .append(mByLocked.getOrDefault(g.id(), -1));
            if (g.priority() != Priority.NORMAL) {
                sb.append(" priority=").append(g.priority());
            }
            if (!g.tenant().equals(GoHandle.DEFAULT_TENANT)) {
                sb.append(" tenant=").append(g.tenant());
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Go's {@code _G*} constant for {@code state}; see {@link #detail}. */
    private static int goStatus(GoroutineState state) {
        return switch (state) {
            case NEW -> 0;        // _Gidle
            case RUNNABLE -> 1;   // _Grunnable
            case RUNNING -> 2;    // _Grunning
            case WAITING -> 4;    // _Gwaiting
            case DEAD -> 6;       // _Gdead
        };
    }

    /** Why a WAITING goroutine waits: {@link GoHandle#waitReason}; see {@link #detail}. */
    private static String waitReason(GoHandle g) {
        return g.waitReason().map(WaitReason::label).orElse("");
    }
}
