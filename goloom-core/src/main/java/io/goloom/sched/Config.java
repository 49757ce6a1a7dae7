package io.goloom.sched;

import java.io.PrintStream;
import java.time.Duration;

/**
 * What a runtime is built with, validated by {@code GoRuntime.Builder} (which documents each
 * value and its range).
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
 */
public record Config(String name, int procs, int runQueueCapacity, int maxThreads, Duration preemptAfter,
                     Duration retakeAfter, Duration idleThreadTimeout, Duration shutdownTimeout,
                     Thread.UncaughtExceptionHandler handler, PrintStream diagnostics) {
}
