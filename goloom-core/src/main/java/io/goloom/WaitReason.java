package io.goloom;

import java.util.concurrent.locks.AbstractQueuedLongSynchronizer;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.locks.StampedLock;

/**
 * Why a goroutine waits (Go's {@code waitReason}): the one classification that the execution
 * trace's GoBlock events, scheddetail's G lines and goroutine dumps all print.
 *
 * <p>Code that knows why it parks says so just before it parks, with
 * {@link Go#setWaitReason}; goloom's channels and {@code Go.sleep} do:
 * <pre>{@code
 * Go.setWaitReason(WaitReason.CHAN_RECEIVE);
 * LockSupport.park(this);
 * }</pre>
 * Otherwise {@link #of} guesses from what the thread shows: its park blocker (a goloom
 * timer, a lock, a synchronizer of {@code java.util.concurrent}), its state (entering a
 * monitor), and, when the caller has the stack at hand (a goroutine dump), its frames
 * ({@code Thread.sleep}, socket and channel I/O, {@code Object.wait}).
 */
public enum WaitReason {
    /** A park nothing more is known about ({@code LockSupport.park} with an unknown or no blocker). */
    PARK("park"),
    /** {@code Go.sleep}, a goloom timer, or {@code Thread.sleep}. */
    SLEEP("sleep"),
    /** Socket or channel I/O through the JDK's poller (Go's {@code IO wait}). */
    IO("IO wait"),
    /** Receiving from a goloom channel. */
    CHAN_RECEIVE("chan receive"),
    /** Sending to a goloom channel. */
    CHAN_SEND("chan send"),
    /** A goloom {@code select}. */
    SELECT("select"),
    /** Acquiring a lock: {@code ReentrantLock}, a read-write or stamped lock, or a monitor ({@code synchronized}). */
    LOCK("lock"),
    /**
     * Another synchronizer: a latch, semaphore, barrier, future, queue, condition
     * ({@code Condition.await}, {@code Object.wait}) or {@code join}.
     */
    SYNC("sync");

    private final String label;

    WaitReason(String label) {
        this.label = label;
    }

    /** Go's wording where Go has one ({@code chan receive}, {@code IO wait}, {@code sleep}, ...). */
    public String label() {
        return label;
    }

    /**
     * Why {@code t}, a parked goroutine's thread, waits: {@code set} if its code said so
     * ({@link Go#setWaitReason}), else a guess from its park blocker and state, refined by
     * {@code stack} (its frames, top first) when the caller has them. Cheap without a stack:
     * a field read, a class lookup in a cache and, for a park with no blocker, the thread state.
     * The one function behind the trace's GoBlock reasons, {@link GoHandle#waitReason()}
     * (scheddetail) and goroutine dumps (which pass the stack they print).
     *
     * <pre>{@code
     * WaitReason r = WaitReason.of(h.thread(), null, h.thread().getStackTrace());   // IO, SLEEP, SYNC, ...
     * }</pre>
     *
     * @param set the reason the goroutine set, or null
     * @param stack the thread's stack, or null when taking it would cost too much
     */
    public static WaitReason of(Thread t, WaitReason set, StackTraceElement[] stack) {
        if (set != null) {
            return set;
        }
        Object blocker = LockSupport.getBlocker(t);
        if (blocker != null) {
            return ofBlocker(blocker.getClass());
        }
        Thread.State state = t.getState();
        if (state == Thread.State.BLOCKED) {
            return LOCK;   // entering a monitor
        }
        if (stack != null) {
            for (StackTraceElement f : stack) {
                String c = f.getClassName();
                if (c.equals("java.lang.Thread") && f.getMethodName().startsWith("sleep")) {
                    return SLEEP;
                }
                if (c.startsWith("sun.nio.ch.") || c.startsWith("java.net.") || c.startsWith("java.nio.channels.")) {
                    return IO;
                }
                if ((c.equals("java.lang.Object") && f.getMethodName().equals("wait"))
                        || (c.equals("java.lang.Thread") && f.getMethodName().startsWith("join"))) {
                    return SYNC;
                }
            }
            return PARK;
        }
        // Without the stack: the JDK parks a sleeping virtual thread with a timeout and no
        // blocker; so does its poller for an I/O wait with a timeout, which this cannot tell.
        return state == Thread.State.TIMED_WAITING ? SLEEP : PARK;
    }

    /**
     * The reason a park blocker of class {@code c} stands for ({@code LockSupport.park(blocker)}):
     * a lock's, a synchronizer's of {@code java.util.concurrent}, or {@link #PARK}. Cached per class.
     */
    public static WaitReason ofBlocker(Class<?> c) {
        return BY_BLOCKER.get(c);
    }

    /** The reason a park blocker of each class stands for. */
    private static final ClassValue<WaitReason> BY_BLOCKER = new ClassValue<>() {
        @Override
        protected WaitReason computeValue(Class<?> c) {
            Class<?> outer = c.getEnclosingClass();
            if (c == StampedLock.class || outer == ReentrantLock.class || outer == ReentrantReadWriteLock.class
                    || outer == StampedLock.class) {
                return LOCK;   // a lock's Sync (its blocker while acquiring)
            }
            if (AbstractQueuedSynchronizer.class.isAssignableFrom(c)
                    || AbstractQueuedLongSynchronizer.class.isAssignableFrom(c)
                    || outer == AbstractQueuedSynchronizer.class || outer == AbstractQueuedLongSynchronizer.class
                    || c.getName().startsWith("java.util.concurrent.")) {
                return SYNC;   // latches, semaphores, conditions (ConditionObject), queues, futures
            }
            return PARK;
        }
    };
}
