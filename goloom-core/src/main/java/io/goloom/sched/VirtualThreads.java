package io.goloom.sched;

import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * Everything goloom needs from the JDK's virtual-thread implementation, and nothing more: the
 * one seam to JDK internals. Today's implementation ({@link JdkVirtualThreads}) reaches
 * package-private members of {@code java.lang} through method handles; a later JDK's public
 * scheduler API would be a second implementation of this interface, not a rewrite.
 *
 * <p>Every method may be called from any thread.
 */
public interface VirtualThreads {

    /**
     * The JVM flag without which {@link JdkVirtualThreads} cannot work, for goloom on the class
     * path; on the module path it opens {@code java.lang} to the module {@code io.goloom} instead
     * of {@code ALL-UNNAMED} (the failure message names the form that applies).
     */
    String REQUIRED_FLAG = "--add-opens java.base/java.lang=ALL-UNNAMED";

    /**
     * The implementation for the running JDK. Always there; whether it works is
     * {@link #checkAvailable()}'s to say, before any runtime is built. Its class initialises
     * where this interface is first used, not where the scheduler's classes load, so that
     * {@code GoRuntime.Builder.build()} can initialise it on another thread meanwhile.
     */
    VirtualThreads JDK = JdkVirtualThreads.INSTANCE;

    /**
     * Creates an unstarted virtual thread whose continuation is handed to {@code scheduler}
     * every time it becomes runnable.
     */
    Thread newThread(Executor scheduler, String name, Runnable task);

    /**
     * The {@code Runnable} the JDK passes to the scheduler's {@code execute} for
     * {@code vthread}: one object per thread, the same on every call.
     */
    Runnable continuationOf(Thread vthread);

    /**
     * The pool every carrier ({@link M}) names as a {@link ForkJoinWorkerThread}. It never runs
     * a task: carriers are ForkJoin worker threads only so that the JDK's spin-then-park code
     * can ask them whether they have other work queued (see {@link #spinHintOf}).
     */
    ForkJoinPool carrierPool();

    /**
     * What {@link #setQueuedWork} writes for {@code carrier}, or null when this JVM does not let
     * goloom write it. {@code SynchronousQueue}, {@code LinkedTransferQueue} and
     * {@code Exchanger} spin ~5 µs before parking unless
     * {@code ForkJoinWorkerThread.hasKnownQueuedWork()} says the carrier has other work
     * queued. On the JDK's scheduler that is its work queue; on goloom's carriers it is this
     * hint, kept by the carrier from its P's queue. Without it a goroutine spins while the
     * peer it just readied waits in its own P's runnext (the spin cannot succeed).
     */
    Object spinHintOf(ForkJoinWorkerThread carrier);

    /** Tells JDK code asking {@code hint}'s carrier whether it has queued work. Its carrier only. */
    void setQueuedWork(Object hint, boolean queued);

    /** Whether {@code r} is the continuation of a virtual thread (a {@link #continuationOf} result). */
    boolean isContinuation(Runnable r);

    /** The inverse of {@link #continuationOf}: the virtual thread a continuation belongs to. */
    Thread threadOf(Runnable continuation);

    /** The scheduler {@code vthread} submits its continuation to. */
    Executor schedulerOf(Thread vthread);

    /**
     * Makes {@code scheduler} the one {@code vthread} submits to from now on. For a thread that
     * inherited a goroutine as its scheduler, at the moment it is adopted (the JDK chose that
     * scheduler in the constructor, before goloom could see the thread).
     */
    void setScheduler(Thread vthread, Executor scheduler);

    /** The JDK's default scheduler, the one of virtual threads created outside goroutines. */
    Executor defaultScheduler();

    /**
     * The platform thread the caller runs on: the carrier when the caller is a virtual thread,
     * otherwise the caller itself. Cheap (a JIT intrinsic).
     */
    Thread currentCarrierThread();


    /**
     * Fails fast, with a message naming the fix, when goloom cannot run on this JVM.
     *
     * @throws IllegalStateException if the JDK is older than 25 or {@value #REQUIRED_FLAG} is
     *         missing
     */
    static void checkAvailable() {
        String problem = JdkVirtualThreads.PROBLEM;
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
    }
}
