package io.goloom;

import io.goloom.sched.Scheduler;

/**
 * Static helpers for code running inside a goroutine, named after Go's.
 *
 * <pre>{@code
 * rt.go(() -> {
 *     GoHandle me = Go.current();
 *     Go.go(() -> System.out.println("child of " + me.id()));  // same runtime
 *     while (work()) {
 *         Go.yield();                                          // runtime.Gosched()
 *     }
 * });
 * }</pre>
 */
public final class Go {

    private Go() {
    }

    /** True when the caller is a goroutine of some {@link GoRuntime}. */
    public static boolean inGoroutine() {
        return Scheduler.currentGoroutine() != null;
    }

    /**
     * The calling goroutine.
     *
     * @throws IllegalStateException if the caller is not a goroutine
     */
    public static GoHandle current() {
        GoHandle g = Scheduler.currentGoroutine();
        if (g == null) {
            throw new IllegalStateException("Go.current() called outside a goroutine, on "
                    + Thread.currentThread());
        }
        return g;
    }

    /**
     * The runtime of the calling goroutine.
     *
     * @throws IllegalStateException if the caller is not a goroutine
     */
    public static GoRuntime runtime() {
        Scheduler s = Scheduler.currentScheduler();
        if (s == null) {
            throw new IllegalStateException("Go.runtime() called outside a goroutine, on "
                    + Thread.currentThread());
        }
        return s.runtime();
    }

    /**
     * Starts a goroutine on the caller's runtime, at the tail of the caller's P's run queue.
     *
     * @throws IllegalStateException if the caller is not a goroutine
     */
    public static GoHandle go(Runnable task) {
        return runtime().go(task);
    }

    /** Like {@link #go(Runnable)}, naming the goroutine. */
    public static GoHandle go(String name, Runnable task) {
        return runtime().go(name, task);
    }

    /**
     * Gives up the carrier so other goroutines can run (Go's {@code runtime.Gosched}): the caller
     * goes to the tail of the global run queue and runs again later. Outside a goroutine this is
     * {@link Thread#yield()}.
     *
     * <p>A plain {@code Thread.yield()} inside a goroutine also yields, but puts the goroutine at
     * the tail of its P's local queue (Go's internal {@code goyield}), which is cheaper and keeps
     * it on the same P.
     */
    public static void yield() {
        Scheduler.yieldToGlobalQueue();
    }
}
