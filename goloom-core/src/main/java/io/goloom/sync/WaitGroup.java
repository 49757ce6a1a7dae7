package io.goloom.sync;

import io.goloom.Go;
import io.goloom.sched.Current;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;

/**
 * Go's {@code sync.WaitGroup}: waits for a collection of tasks to finish. {@link #add(int)}
 * counts tasks in (before starting them), {@link #done()} counts one out, {@link #await()}
 * blocks until the count is zero. {@link #go(Runnable)} does all three steps for one task.
 *
 * <pre>{@code
 * WaitGroup wg = new WaitGroup();
 * for (String url : urls) {
 *     wg.go(() -> fetch(url));       // Go 1.25's wg.Go: add(1), start, done() at the end
 * }
 * wg.await();
 * }</pre>
 *
 * <p>Unlike a {@code CountDownLatch} the count can go up again after reaching zero. A count
 * below zero is a bug in the caller and fails at once, as Go's panic does. Waiting parks the
 * thread ({@code AbstractQueuedSynchronizer}), so it works on any thread, and inside goloom
 * it is a preemption checkpoint.
 */
public final class WaitGroup {

    /** The count is the AQS state; a shared acquire succeeds at zero. */
    private static final class Sync extends AbstractQueuedSynchronizer {
        private static final long serialVersionUID = 1L;

        @Override
        protected int tryAcquireShared(int ignored) {
            return getState() == 0 ? 1 : -1;
        }

        @Override
        protected boolean tryReleaseShared(int delta) {
            for (;;) {
                int c = getState();
                long next = (long) c + delta;
                if (next < 0) {
                    throw new IllegalStateException("negative WaitGroup counter: " + next
                            + " (count " + c + ", add " + delta + ")");
                }
                if (next > Integer.MAX_VALUE) {
                    throw new IllegalStateException("WaitGroup counter overflow: count " + c
                            + " + " + delta + " is above " + Integer.MAX_VALUE);
                }
                if (compareAndSetState(c, (int) next)) {
                    return next == 0;
                }
            }
        }

        int count() {
            return getState();
        }
    }

    private final Sync sync = new Sync();

    /**
     * Adds {@code delta} (may be negative) to the count; waiters are released when it reaches
     * zero.
     *
     * @throws IllegalStateException if the count would go below zero or above
     *         {@code Integer.MAX_VALUE}; the count is then unchanged
     */
    public void add(int delta) {
        if (delta != 0) {
            sync.releaseShared(delta);
        }
    }

    /** {@code add(-1)}: one task finished. */
    public void done() {
        add(-1);
    }

    /** Blocks until the count is zero. */
    public void await() throws InterruptedException {
        Current.checkpoint();
        sync.acquireSharedInterruptibly(1);
    }

    /**
     * Blocks until the count is zero or {@code timeout} passed.
     *
     * @return true if the count reached zero
     */
    public boolean await(Duration timeout) throws InterruptedException {
        Current.checkpoint();
        long nanos;
        try {
            nanos = timeout.toNanos();
        } catch (ArithmeticException e) {
            nanos = timeout.isNegative() ? 0 : Long.MAX_VALUE;
        }
        return sync.tryAcquireSharedNanos(1, nanos);
    }

    /** The current count. */
    public int count() {
        return sync.count();
    }

    /**
     * Counts {@code task} in and starts it; it counts itself out when it returns or throws (an
     * exception goes to the thread's uncaught-exception handler, as usual). Where it runs depends
     * on the caller:
     * <ul>
     *   <li>called from a goroutine, it becomes a goroutine of the caller's runtime
     *       ({@link Go#go}: the tail of the caller's P's run queue);
     *   <li>called from any other thread ({@code main}, a platform thread, a virtual thread of the
     *       JDK's scheduler), it is a JDK virtual thread ({@code Thread.ofVirtual()}) on the JDK's
     *       default scheduler, its {@code ForkJoinPool}: not goloom.
     * </ul>
     * To start goroutines of a runtime {@code rt} from outside it, count them in yourself:
     * {@code wg.add(1); rt.go(() -> { try { task.run(); } finally { wg.done(); } });}
     */
    public void go(Runnable task) {
        Objects.requireNonNull(task, "task");
        add(1);
        Runnable counted = () -> {
            try {
                task.run();
            } finally {
                done();
            }
        };
        try {
            if (Go.inGoroutine()) {
                Go.go(counted);
            } else {
                Thread.ofVirtual().start(counted);
            }
        } catch (RuntimeException | Error e) {
            done();                        // it never started
            throw e;
        }
    }

    @Override
    public String toString() {
        return "WaitGroup[count=" + count() + "]";
    }
}
