package io.goloom;

import java.util.List;

/**
 * A snapshot of a runtime's scheduler, the numbers behind Go's {@code GODEBUG=schedtrace}
 * line, read without stopping anything: counts guarded by the scheduler lock are read under
 * it, per-P and per-M fields racily (each is a value its owner wrote at some recent point).
 *
 * <pre>{@code
 * System.err.println(rt.schedtrace().line());
 * // SCHED 1004ms: gomaxprocs=2 idleprocs=0 threads=5 spinningthreads=1 needspinning=0 idlethreads=2 runqueue=3 [4 0]
 * }</pre>
 *
 * @param uptimeMillis    milliseconds since the runtime was built
 * @param gomaxprocs      Ps ({@code procs})
 * @param idleProcs       Ps on the idle list
 * @param threads         carrier threads (Ms) alive or starting
 * @param spinningThreads Ms looking for work to steal
 * @param needSpinning    a wake-up found no idle P; the next M to give up its P looks again
 * @param idleThreads     Ms parked on the idle list
 * @param runQueue        goroutines in the global run queue
 * @param procs           one entry per P, by id
 * @param machines        one entry per M, by id
 */
public record SchedTrace(long uptimeMillis, int gomaxprocs, int idleProcs, int threads, int spinningThreads,
                         boolean needSpinning, int idleThreads, int runQueue, List<Proc> procs,
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
        procs = List.copyOf(procs);
        machines = List.copyOf(machines);
    }

    /** Go's schedtrace line (Go 1.20+ format), without a trailing newline. */
    public String line() {
        StringBuilder sb = new StringBuilder("SCHED ").append(uptimeMillis).append("ms: gomaxprocs=").append(gomaxprocs)
                .append(" idleprocs=").append(idleProcs).append(" threads=").append(threads)
                .append(" spinningthreads=").append(spinningThreads).append(" needspinning=").append(needSpinning ? 1 : 0)
                .append(" idlethreads=").append(idleThreads).append(" runqueue=").append(runQueue).append(" [");
        for (int i = 0; i < procs.size(); i++) {
            sb.append(i == 0 ? "" : " ").append(procs.get(i).runqsize());
        }
        return sb.append(']').toString();
    }
}
