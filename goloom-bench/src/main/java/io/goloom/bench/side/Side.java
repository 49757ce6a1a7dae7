package io.goloom.bench.side;

import java.time.Duration;
import java.util.concurrent.ThreadFactory;

/**
 * A scheduler under comparison: where a workload's virtual threads come from. A workload is
 * written once against this interface and runs unchanged on every side, so the only thing that
 * differs between two columns of the table is who schedules the continuations.
 *
 * <p>Open one with {@link #open(String, int)}, use it from any thread, close it when done.
 */
public sealed interface Side extends AutoCloseable permits GoloomSide, JdkSide {

    /** Name of the goloom side, and of its column. */
    String GOLOOM = "goloom";
    /** Name of the JDK default scheduler's side, and of its column. */
    String JDK = "jdk";

    /**
     * Opens the side called {@code name}.
     *
     * @param procs Ps for goloom; the JDK's default scheduler fixes its parallelism at JVM start
     *              (availableProcessors, or {@code -Djdk.virtualThreadScheduler.parallelism})
     * @throws IllegalArgumentException if {@code name} is neither {@value #GOLOOM} nor {@value #JDK}
     */
    static Side open(String name, int procs) {
        return switch (name) {
            case GOLOOM -> new GoloomSide(procs);
            case JDK -> new JdkSide();
            default -> throw new IllegalArgumentException(
                    "unknown side \"" + name + "\", expected " + GOLOOM + " or " + JDK);
        };
    }

    /** {@value #GOLOOM} or {@value #JDK}. */
    String name();

    /** Unstarted virtual threads scheduled by this side. */
    ThreadFactory threads();

    /**
     * Unstarted virtual threads of the side's most urgent class: goloom's
     * {@code Priority.CRITICAL}. The JDK's scheduler has no classes: its side returns
     * {@link #threads()}.
     */
    ThreadFactory criticalThreads();

    /**
     * Unstarted virtual threads of the side's tenant {@code name} of {@code weight}, made on the
     * first call for that name (goloom's {@code GoRuntime.tenant}); the same name must come with
     * the same weight. The JDK's scheduler has no tenants: its side returns {@link #threads()}.
     */
    ThreadFactory tenantThreads(String name, int weight);

    /** Starts a virtual thread running {@code task} through the side's own spawn path. */
    Thread start(Runnable task);

    /**
     * Yields to the back of the global run queue (Go's {@code runtime.Gosched}). The JDK has no
     * such call; its side uses {@link Thread#yield()}.
     */
    void gosched();

    /**
     * A preemption point ({@code Go.checkpoint()}). The JDK's scheduler has none: its side does
     * nothing, so a hog there keeps its carrier whether it calls this or not.
     */
    void checkpoint();

    /**
     * Sleeps for {@code d} on the side's own timers ({@code Go.sleep}: the calling goroutine's
     * P's timer heap, fired by the schedule loop). The JDK has no per-P timers: its side uses
     * {@link Thread#sleep(Duration)}, which goes through the JDK's timer threads.
     */
    void sleep(Duration d) throws InterruptedException;

    /** The platform threads carrying this side's virtual threads now, idle ones included. */
    int carriers();

    /** Releases the side's carriers after its threads have finished. */
    @Override
    void close();
}
