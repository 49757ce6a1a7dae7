package io.goloom.sched;

import io.goloom.GoHandle;
import io.goloom.WaitReason;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

/**
 * What goroutine code does to itself: find out which goroutine it is, say why it is about to
 * park, yield, sleep on its P's timers, hand its P off around a blocking call, lock itself to
 * its carrier. The facade ({@code Go}) and goloom's channels and synchronizers call these; the
 * scheduler's other entry points are what the JDK and the Ms call.
 *
 * <p>Every method is called by a goroutine on itself (or, outside a goroutine, does the plain
 * Java thing and says so): none touches another goroutine, and none blocks while holding the
 * scheduler's lock. The current goroutine is found through the carrier thread
 * ({@code Thread.currentCarrierThread()}, an intrinsic), which is an {@link M}, or the
 * fallback carrier after a runtime terminated ({@link Shutdown}).
 */
public final class Current {

    private static final boolean AVAILABLE = JdkVirtualThreads.PROBLEM == null;

    private Current() {
    }

    /** The goroutine the caller is, or null. */
    static G g() {
        if (!AVAILABLE || !Thread.currentThread().isVirtual()) {
            return null;
        }
        Thread carrier = VirtualThreads.JDK.currentCarrierThread();
        if (carrier instanceof M m) {
            return m.curg;
        }
        return carrier instanceof Shutdown.FallbackCarrier f ? f.curg : null;
    }

    /** The goroutine the caller is, or null when it is not one of a goloom runtime. */
    public static GoHandle goroutine() {
        return g();
    }

    /** The scheduler of the goroutine the caller is, or null. */
    public static Scheduler scheduler() {
        G g = g();
        return g != null ? g.sched : null;
    }

    /**
     * Says why the calling goroutine is about to park (see {@code Go.setWaitReason}); null
     * clears it; outside a goroutine it does nothing. A plain write to the goroutine's own
     * record: nothing shared.
     */
    public static void setWaitReason(WaitReason reason) {
        G g = g();
        if (g != null) {
            g.waitReason = G.codeOf(reason);
        }
    }

    /**
     * {@code Go.checkpoint()}: yields to the global queue if sysmon asked the current run to
     * (Go's preemption at a safe point). Otherwise an intrinsic, a type check and two loads.
     */
    public static void checkpoint() {
        if (VirtualThreads.JDK.currentCarrierThread() instanceof M m && m.preemptRequested()) {
            P pp = m.p;
            if (pp != null && pp.enterOp(m)) {
                pp.count(P.C_PREEMPTIONS);
                pp.exitOp(m);
            }
            SchedEvents.preemption(m.sched, m.curg, pp);
            // Acted on: a pinned goroutine does not yield again at every call.
            boolean forUrgent = m.clearPreempt();
            if (!forUrgent && m.sched.rules().preemptedToBulk() && m.curg.tier() >= G.TIER_NORMAL
                    && m.curg.tenantIndex() == 0) {
                yieldTo(ExecTrace.GO_PREEMPT, G.YIELD_BULK);   // behind all other work, until its bulk turn
            } else {
                // The global queue's tail (a CRITICAL or HIGH one: its class's lane; a tenant's: its
                // tenant's, whose share bounds it). Asked to make room for an urgent goroutine, a
                // run has not used a slice: not demoted to bulk.
                m.globalFirst = true;
                yieldTo(ExecTrace.GO_PREEMPT, G.YIELD_GLOBAL);
            }
        }
    }

    /** {@code Go.yield()}: Gosched, to the global queue's tail. */
    public static void yieldToGlobalQueue() {
        yieldTo(ExecTrace.GO_SCHED, G.YIELD_GLOBAL);
    }

    /** Yields the current goroutine to the global queue's {@code lane}, recording {@code traceEvent} if tracing. */
    private static void yieldTo(int traceEvent, byte lane) {
        G g = g();
        if (g == null) {
            Thread.yield();
            return;
        }
        ExecTrace tr = g.sched.trace;
        if (tr != null) {
            tr.record(g.sched, traceEvent, -1, g.id, 0, 0);
        }
        g.yieldTo(lane);
        Thread.yield();
        g.yieldTo(G.YIELD_LOCAL);   // in case the yield did not happen (pinned)
    }

    /** {@code Go.sleep}: parks the calling goroutine on a timer of its P (Go's {@code timeSleep}). */
    public static void sleep(long nanos) throws InterruptedException {
        G g = g();
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
            g.waitReason = G.codeOf(WaitReason.SLEEP);   // each run clears it
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
     * A timer on the calling goroutine's P that unparks {@code waiter} when it fires, for the
     * timed waits of goloom's own blocking types (a select's timeout); null outside a goroutine
     * of a live runtime, where callers use {@code parkNanos}. The caller arms and stops it.
     */
    public static Timer unparkTimer(Thread waiter) {
        G g = g();
        return g == null || g.sched.terminated ? null : Timer.sleeper(g.sched, waiter);
    }

    /**
     * {@code Go.blocking}: gives the caller's P away before {@code task} blocks the carrier
     * (Go's {@code entersyscallblock}), and takes a P again after (Go's {@code exitsyscall}): an
     * idle one if there is one, otherwise the goroutine yields to the global queue and runs on
     * when a P is free.
     */
    public static <T> T blocking(Callable<T> task) throws Exception {
        if (!(VirtualThreads.JDK.currentCarrierThread() instanceof M m) || Thread.currentThread() == m) {
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
            if (VirtualThreads.JDK.currentCarrierThread() == m && m.runSeq() == run && m.p == pp) {
                P np = s.idle.reacquire(m);
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

    /**
     * {@code Go.lockOSThread()}: binds the calling goroutine to its M until as many unlocks (or
     * its end). Nested calls count, as in Go. See {@link Scheduler#lock(M, G)} for the limit.
     *
     * @throws IllegalStateException outside a goroutine of goloom, or when {@code maxThreads}
     *         leaves no carrier for one more locked goroutine
     */
    public static void lockOSThread() {
        if (!(VirtualThreads.JDK.currentCarrierThread() instanceof M m) || m.curg == null) {
            throw new IllegalStateException("Go.lockOSThread() called outside a goroutine of a goloom runtime");
        }
        if (m.lockedDepth == 0) {
            m.sched.lock(m, m.curg);
        }
        m.lockedDepth++;
    }

    /** {@code Go.unlockOSThread()}: undoes one lock; a call without a lock does nothing, as in Go. */
    public static void unlockOSThread() {
        if (VirtualThreads.JDK.currentCarrierThread() instanceof M m && m.lockedg != null && m.lockedg == m.curg
                && --m.lockedDepth == 0) {
            m.sched.unlock(m, m.lockedg);
        }
    }
}
