package io.goloom.sched;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Objects;

/**
 * What a runtime is built with. {@code GoRuntime.Builder} validates each value as it is set
 * and documents it; this record checks again, with the same ranges, so that no scheduler is
 * ever built from values the rest of the package assumes cannot happen.
 *
 * @param name              prefix of the runtime's thread names
 * @param procs             Ps (GOMAXPROCS)
 * @param runQueueCapacity  slots of each P's local run queue, a power of two
 * @param maxThreads        the most carrier threads (Ms) at once
 * @param preemptAfter      a goroutine's time slice before sysmon asks it to yield
 * @param retakeAfter       how long one goroutine may keep a P's carrier before sysmon hands
 *                          the P to another carrier
 * @param idleThreadTimeout how long an idle carrier beyond {@code procs} waits before it exits
 * @param shutdownTimeout   how long close() waits for live goroutines
 * @param handler           receives exceptions that escape a goroutine; null for the default
 * @param diagnostics       where the runtime reports what it must not keep to itself
 * @param retakenNice       the Linux nice value a carrier gets while it runs on after sysmon
 *                          retook its P (1 to 19), or 0 for none: see "Demoted carriers" in
 *                          {@link Sysmon}
 */
public record Config(String name, int procs, int runQueueCapacity, int maxThreads, Duration preemptAfter,
                     Duration retakeAfter, Duration idleThreadTimeout, Duration shutdownTimeout,
                     Thread.UncaughtExceptionHandler handler, PrintStream diagnostics, int retakenNice) {

    public static final int MAX_PROCS = 4096;
    public static final int MIN_RUN_QUEUE_CAPACITY = 2, MAX_RUN_QUEUE_CAPACITY = 65536;
    public static final int MAX_THREADS_LIMIT = 1_000_000;
    /** The nicest value Linux has. */
    public static final int MAX_NICE = 19;

    /** @throws IllegalArgumentException naming the first value out of range, and the range */
    public Config {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(diagnostics, "diagnostics");
        if (name.isEmpty() || name.length() > 64) {
            throw new IllegalArgumentException("name must be 1 to 64 characters long, was \"" + name + "\"");
        }
        if (procs < 1 || procs > MAX_PROCS) {
            throw new IllegalArgumentException("procs must be in [1, " + MAX_PROCS + "], was " + procs);
        }
        if (runQueueCapacity < MIN_RUN_QUEUE_CAPACITY || runQueueCapacity > MAX_RUN_QUEUE_CAPACITY
                || Integer.bitCount(runQueueCapacity) != 1) {
            throw new IllegalArgumentException("runQueueCapacity must be a power of two in [" + MIN_RUN_QUEUE_CAPACITY
                    + ", " + MAX_RUN_QUEUE_CAPACITY + "], was " + runQueueCapacity);
        }
        if (maxThreads < procs || maxThreads > MAX_THREADS_LIMIT) {
            throw new IllegalArgumentException("maxThreads must be in [procs (" + procs + "), " + MAX_THREADS_LIMIT
                    + "], was " + maxThreads);
        }
        if (retakenNice < 0 || retakenNice > MAX_NICE) {
            throw new IllegalArgumentException("retakenCarrierNice must be in [0, " + MAX_NICE + "] (0: off), was "
                    + retakenNice);
        }
        positive("preemptAfter", preemptAfter);
        positive("retakeAfter", retakeAfter);
        positive("idleThreadTimeout", idleThreadTimeout);
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        if (shutdownTimeout.isNegative()) {
            throw new IllegalArgumentException("shutdownTimeout must be >= 0, was " + shutdownTimeout);
        }
    }

    private static void positive(String what, Duration d) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be > 0, was " + d);
        }
    }
}
