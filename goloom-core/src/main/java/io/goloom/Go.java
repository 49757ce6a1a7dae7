package io.goloom;

import io.goloom.sched.Current;
import io.goloom.sched.Scheduler;

import java.time.Duration;
import java.util.concurrent.Callable;

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
        return Current.goroutine() != null;
    }

    /**
     * The calling goroutine.
     *
     * @throws IllegalStateException if the caller is not a goroutine
     */
    public static GoHandle current() {
        GoHandle g = Current.goroutine();
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
        Scheduler s = Current.scheduler();
        if (s == null) {
            throw new IllegalStateException("Go.runtime() called outside a goroutine, on "
                    + Thread.currentThread());
        }
        return (GoRuntime) s.owner();
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
     * goes to the tail of the global run queue (the lane of its class, unless NORMAL: see
     * {@link Priority}) and runs again later. Outside a goroutine this is {@link Thread#yield()}.
     *
     * <p>A plain {@code Thread.yield()} inside a goroutine also yields, but puts the goroutine at
     * the tail of its P's local queue (Go's internal {@code goyield}), which is cheaper and keeps
     * it on the same P (a goroutine of another class than NORMAL: its class's lane).
     */
    public static void yield() {
        Current.yieldToGlobalQueue();
    }

    /**
     * Sleeps for {@code d} (Go's {@code time.Sleep}): the goroutine parks on a timer of its P's
     * timer heap, which the schedule loop fires; no timer thread is involved. Zero or negative
     * returns at once. Outside a goroutine of goloom (or after its runtime closed) this is
     * {@link Thread#sleep(Duration)}. {@code Thread.sleep} inside a goroutine works too, through
     * the JDK's timer threads, which is slower under load (docs/PERFORMANCE.md).
     *
     * <pre>{@code
     * while (!done()) {
     *     poll();
     *     Go.sleep(Duration.ofMillis(10));
     * }
     * }</pre>
     *
     * @throws InterruptedException if the goroutine is interrupted while sleeping (the interrupt
     *         status is then cleared, as by {@code Thread.sleep})
     */
    public static void sleep(Duration d) throws InterruptedException {
        Current.sleep(GoRuntime.nanos(d, "d"));
    }

    /** {@link GoRuntime#newTimer} on the caller's runtime. @throws IllegalStateException if the caller is not a goroutine */
    public static GoTimer newTimer(Duration delay) {
        return runtime().newTimer(delay);
    }

    /** {@link GoRuntime#afterFunc} on the caller's runtime. @throws IllegalStateException if the caller is not a goroutine */
    public static GoTimer afterFunc(Duration delay, Runnable f) {
        return runtime().afterFunc(delay, f);
    }

    /** {@link GoRuntime#newTicker} on the caller's runtime. @throws IllegalStateException if the caller is not a goroutine */
    public static GoTicker newTicker(Duration period) {
        return runtime().newTicker(period);
    }

    /**
     * A preemption point (Go's async preemption, done cooperatively): if this goroutine was
     * asked to yield, yields to the back of the global run queue, as a preempted goroutine does
     * in Go; otherwise returns at once. Sysmon asks a goroutine that has run longer than its
     * runtime's {@code preemptAfter} (10 ms by default), or its policy's slice while others wait
     * ({@link SchedulingPolicy}); sysmon or a readier asks a goroutine of a lower class at once
     * when a CRITICAL or HIGH one waits ({@link Priority}). Costs a few nanoseconds when there is no request
     * (docs/PERFORMANCE.md), and nothing useful outside a goroutine, where it does nothing.
     *
     * <p>The JDK cannot stop a mounted virtual thread, so a goroutine that computes for long
     * without blocking keeps its carrier, and every goroutine queued behind it on that P waits.
     * Put a checkpoint in such loops: once per iteration of an outer loop whose body takes
     * microseconds, not in the innermost arithmetic.
     *
     * <pre>{@code
     * for (Chunk c : chunks) {
     *     compress(c);          // ~50 us each
     *     Go.checkpoint();      // lets a 10 ms hog give way to the goroutines behind it
     * }
     * }</pre>
     */
    public static void checkpoint() {
        Current.checkpoint();
    }

    /**
     * Says why the calling goroutine is about to park, for the execution trace's GoBlock,
     * scheddetail and goroutine dumps ({@link WaitReason}); call it right before the park. It
     * holds until the goroutine runs again after a park, or sets another; null clears it.
     * Outside a goroutine it does nothing. A plain write to the goroutine's own record, as
     * goloom's channels do before each park:
     *
     * <pre>{@code
     * while (!ready) {
     *     Go.setWaitReason(WaitReason.CHAN_RECEIVE);
     *     LockSupport.park(this);
     * }
     * }</pre>
     */
    public static void setWaitReason(WaitReason reason) {
        Current.setWaitReason(reason);
    }

    /**
     * Binds this goroutine to its current carrier thread (Go's {@code runtime.LockOSThread}):
     * until as many {@link #unlockOSThread()} calls, or until it ends, it is always resumed on
     * that carrier, and no other goroutine runs there; while it is parked the carrier gives its
     * P to others and waits. For code that needs one thread throughout (thread-affine native
     * libraries, thread-locals of a platform API).
     *
     * <pre>{@code
     * Go.lockOSThread();
     * try {
     *     glContext.makeCurrent();     // thread-affine
     *     render(scene);
     * } finally {
     *     Go.unlockOSThread();
     * }
     * }</pre>
     *
     * @throws IllegalStateException outside a goroutine of a goloom runtime
     */
    public static void lockOSThread() {
        Current.lockOSThread();
    }

    /** Undoes one {@link #lockOSThread()}; without a lock it does nothing, as in Go. */
    public static void unlockOSThread() {
        Current.unlockOSThread();
    }

    /**
     * Runs {@code task}, which is known to block its carrier thread (a native call, a park
     * inside a class initializer, a JNI library doing I/O), after handing this goroutine's P to
     * another carrier, so the goroutines queued on it keep running at once rather than after
     * {@code retakeAfter} (Go's {@code entersyscallblock}, Tokio's {@code block_in_place}).
     * Afterwards the goroutine takes an idle P, or waits in the global queue for one. Outside a
     * goroutine of goloom it just runs {@code task}. Ordinary blocking Java code (sockets,
     * locks, {@code Thread.sleep}) does not need it: it parks the virtual thread and frees the
     * carrier by itself.
     *
     * <pre>{@code
     * byte[] page = Go.blocking(() -> legacyNativeClient.fetch(url));   // JNI, blocks its thread
     * }</pre>
     *
     * @return what {@code task} returned
     * @throws Exception what {@code task} threw
     */
    public static <T> T blocking(Callable<T> task) throws Exception {
        return Current.blocking(task);
    }
}
