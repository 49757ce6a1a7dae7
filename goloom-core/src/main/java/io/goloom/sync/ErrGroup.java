package io.goloom.sync;

import io.goloom.Go;
import io.goloom.context.CancelContext;
import io.goloom.context.Context;

import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Go's {@code golang.org/x/sync/errgroup}: runs tasks concurrently, waits for all of them, and
 * returns the first failure; with a {@link Context}, the first failure also cancels the
 * group's context, so the other tasks can stop early.
 *
 * <pre>{@code
 * ErrGroup g = new ErrGroup(ctx).limit(8);              // at most 8 at a time
 * for (String url : urls) {
 *     g.go(() -> fetch(g.context(), url));              // fetch gives up when the context is done
 * }
 * Throwable first = g.await();                          // null when every task succeeded
 * }</pre>
 *
 * <p>A task's exception (any {@code Throwable}, so nothing is lost) is recorded; only the
 * first is returned, the rest are dropped as in Go. {@link #await()} also cancels the group's
 * context, as Go's {@code Wait} does.
 *
 * <p><b>Which scheduler runs the tasks.</b> A group made with a {@code ThreadFactory}
 * ({@link #ErrGroup(Context, ThreadFactory)}) starts every task on one of its threads:
 * {@code new ErrGroup(ctx, rt.threadFactory())} makes them goroutines of {@code rt} from any
 * caller. Without one, each {@link #go}/{@link #tryGo} call decides by its caller:
 * <ul>
 *   <li>called from a goroutine, the task becomes a goroutine of the caller's runtime
 *       ({@link Go#go}: the tail of the caller's P's run queue);
 *   <li>called from any other thread ({@code main}, a platform thread, a virtual thread of the
 *       JDK's scheduler), the task is a JDK virtual thread ({@code Thread.ofVirtual()}) on the
 *       JDK's default scheduler, its {@code ForkJoinPool}: not goloom, silently.
 * </ul>
 * So a group used from {@code main} with goloom in mind needs {@code rt.threadFactory()}.
 */
public final class ErrGroup {

    /** A task: may throw anything. */
    @FunctionalInterface
    public interface Task {
        void run() throws Exception;
    }

    private final CancelContext context;          // null without a parent context
    private final ThreadFactory threads;          // null: the caller's runtime or JDK virtual threads
    private final WaitGroup running = new WaitGroup();
    private final AtomicReference<Throwable> first = new AtomicReference<>();
    /** The {@link #limit} permits; null for no limit. Written by limit() while nothing runs. */
    private volatile Semaphore permits;

    /** A group without a context; tasks run where the class comment says (no {@code ThreadFactory}). */
    public ErrGroup() {
        this.context = null;
        this.threads = null;
    }

    /**
     * A group whose {@link #context()} derives from {@code parent}; without a {@code ThreadFactory},
     * so a task started from a thread that is not a goroutine runs on the JDK's default scheduler.
     */
    public ErrGroup(Context parent) {
        this(parent, null);
    }

    /**
     * A group whose {@link #context()} derives from {@code parent}, starting every task on a thread
     * of {@code threads} ({@code rt.threadFactory()}: goroutines of {@code rt}); null: as without one.
     */
    public ErrGroup(Context parent, ThreadFactory threads) {
        this.context = Objects.requireNonNull(parent, "parent").withCancel();
        this.threads = threads;
    }

    /**
     * The group's context: canceled by the first failing task or when {@link #await()} returns.
     *
     * @throws IllegalStateException if the group was made without a context
     */
    public Context context() {
        if (context == null) {
            throw new IllegalStateException("ErrGroup made without a context: use new ErrGroup(parent)");
        }
        return context;
    }

    /**
     * Limits how many tasks run at once (Go's {@code SetLimit}); {@link #go} then blocks for a
     * free slot. {@code -1} removes the limit.
     *
     * @throws IllegalArgumentException if {@code n} is neither {@code -1} nor at least 1
     * @throws IllegalStateException if tasks are running
     */
    public ErrGroup limit(int n) {
        if (n < 1 && n != -1) {
            throw new IllegalArgumentException("ErrGroup limit " + n + " is neither -1 (no limit) nor in [1, "
                    + Integer.MAX_VALUE + "]");
        }
        int active = running.count();
        if (active != 0) {
            throw new IllegalStateException("ErrGroup limit changed while " + active + " tasks are running");
        }
        permits = n == -1 ? null : new Semaphore(n);
        return this;
    }

    /**
     * Starts {@code task}, first waiting for a slot when a {@link #limit} is set. Without a
     * {@code ThreadFactory}: as a goroutine of the caller's runtime if the caller is a goroutine,
     * else as a JDK virtual thread on the JDK's default scheduler.
     */
    public void go(Task task) throws InterruptedException {
        Objects.requireNonNull(task, "task");
        Semaphore p = permits;
        if (p != null) {
            p.acquire();
        }
        start(task, p);
    }

    /** Starts {@code task} if a slot is free now; false (and not started) otherwise. */
    public boolean tryGo(Task task) {
        Objects.requireNonNull(task, "task");
        Semaphore p = permits;
        if (p != null && !p.tryAcquire()) {
            return false;
        }
        start(task, p);
        return true;
    }

    /**
     * Waits for every started task, cancels the group's context, and returns the first
     * exception a task threw, or null.
     */
    public Throwable await() throws InterruptedException {
        running.await();
        if (context != null) {
            context.cancel();
        }
        return first.get();
    }

    private void start(Task task, Semaphore p) {
        running.add(1);
        Runnable body = () -> {
            try {
                task.run();
            } catch (Throwable t) {
                if (first.compareAndSet(null, t) && context != null) {
                    context.cancel();
                }
            } finally {
                if (p != null) {
                    p.release();
                }
                running.done();
            }
        };
        try {
            if (threads != null) {
                Thread t = threads.newThread(body);
                if (t == null) {
                    throw new IllegalStateException("ErrGroup's ThreadFactory returned null (rejected the task)");
                }
                t.start();
            } else if (Go.inGoroutine()) {
                Go.go(body);
            } else {
                Thread.ofVirtual().start(body);
            }
        } catch (RuntimeException | Error e) {
            if (p != null) {
                p.release();
            }
            running.done();
            throw e;
        }
    }
}
