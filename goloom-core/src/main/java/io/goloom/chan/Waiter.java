package io.goloom.chan;

import io.goloom.sched.Current;
import io.goloom.sched.Timer;
import io.goloom.WaitReason;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * One blocked send, receive or select: the thread that waits and the outcome it waits for
 * (Go's {@code g} with its {@code selectDone} flag). A select puts one {@link Sudog} per case
 * on the channels' queues, all sharing this waiter; whoever first moves {@link #state} from
 * {@link #WAITING} decides the outcome, and every other sudog of the waiter is stale from then.
 *
 * <pre>
 *   WAITING --(a waker, holding the case's channel lock)--> case index   (the case proceeded)
 *   WAITING --(the waiter itself: interrupt or timeout)---> CANCELLED    (no case proceeded)
 * </pre>
 *
 * A waker writes the sudog's {@code elem}/{@code closed} before its CAS; the waiter reads them
 * after reading the state (volatile), so it sees them.
 */
final class Waiter {

    static final int WAITING = -1;
    static final int CANCELLED = -2;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Waiter.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The blocked thread; immutable. */
    final Thread thread;

    /** What dumps, scheddetail and the trace say it waits in; immutable. */
    private final WaitReason reason;

    /** {@link #WAITING}, then the winning case index or {@link #CANCELLED}: set once, by CAS. */
    private volatile int state = WAITING;

    Waiter(Thread thread, WaitReason reason) {
        this.thread = thread;
        this.reason = reason;
    }

    /** A waker's claim, made under the lock of the case's channel. */
    boolean tryWin(int caseIndex) {
        return STATE.compareAndSet(this, WAITING, caseIndex);
    }

    /** The waiter's own claim that nothing proceeded. */
    private boolean tryCancel() {
        return STATE.compareAndSet(this, WAITING, CANCELLED);
    }

    /**
     * Parks until a case wins, or until {@code timeoutNanos} passes (negative: none).
     * Returns the winning case index, or {@link #CANCELLED} after a timeout.
     *
     * @throws InterruptedException when interrupted before any case won (the status is
     *         cleared); when a case won meanwhile, returns it and keeps the interrupt status
     */
    int await(Object blocker, long timeoutNanos) throws InterruptedException {
        if (timeoutNanos < 0 || timeoutNanos >= Timer.MAX_DELAY_NANOS) {
            return awaitUntimed(blocker);       // none, or decades
        }
        // Inside a goroutine the timeout is a timer on the P's own heap; elsewhere parkNanos.
        Timer timer = Current.unparkTimer(thread);
        long deadline = System.nanoTime() + timeoutNanos;
        if (timer != null) {
            timer.reset(timeoutNanos, 0);
        }
        try {
            for (int s; ; ) {
                if ((s = state) != WAITING) {
                    return s;
                }
                if (Thread.interrupted()) {
                    return cancelOnInterrupt();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (timer != null && !timer.isArmed())) {
                    return tryCancel() ? CANCELLED : state;
                }
                Current.setWaitReason(reason);     // said again before each park: a run clears it
                if (timer != null) {
                    LockSupport.park(blocker);
                } else {
                    LockSupport.parkNanos(blocker, left);
                }
            }
        } finally {
            if (timer != null) {
                timer.stop();
            }
        }
    }

    private int awaitUntimed(Object blocker) throws InterruptedException {
        for (int s; ; ) {
            if ((s = state) != WAITING) {
                return s;
            }
            if (Thread.interrupted()) {
                return cancelOnInterrupt();
            }
            Current.setWaitReason(reason);
            LockSupport.park(blocker);
        }
    }

    private int cancelOnInterrupt() throws InterruptedException {
        if (tryCancel()) {
            throw new InterruptedException();
        }
        thread.interrupt();        // a case won first: it stands, and the interrupt is kept
        return state;
    }
}
