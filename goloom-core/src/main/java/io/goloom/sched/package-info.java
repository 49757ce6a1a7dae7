/**
 * The scheduler: goloom's implementation of Go's G-M-P design on JDK virtual threads.
 *
 * <p>{@link io.goloom.sched.Scheduler} opens with the glossary and the map of this package: one
 * protocol per file, each with its essay ({@code GlobalQueue}, {@code Idle} for idle Ps and Ms
 * and spinning, {@code Sysmon}, {@code Shutdown} with the lifecycle table, {@code Snapshots});
 * {@code G}, {@code M}, {@code P} and {@code RunQueue} document their state machines and who may
 * touch which field ({@code P}'s "Ownership" is the one hand-offs rely on).
 * {@link io.goloom.sched.VirtualThreads} is the only door to JDK internals.
 *
 * <p>Not API: the module does not export this package. Its public types are the ones the facade
 * needs ({@code Scheduler}, {@code Config}, {@code Snapshots}, {@code Timer},
 * {@code VirtualThreads}), and {@link io.goloom.sched.Current}, what goroutine code does to
 * itself, which goloom's channels and synchronizers use too. Depends on {@code java.base},
 * {@code jdk.jfr} and the leaf types of {@code io.goloom}; never on the facade, the diagnostics
 * of {@code io.goloom.trace} or the toolkit.
 *
 * <p><b>Access-mode conventions.</b> Every field shared between threads says who writes it,
 * who reads it and how (plain owner-only, volatile, CAS, getAcquire/setRelease, opaque), and
 * every racy read says why a stale value is harmless ({@code race:} comments). A method that
 * needs the scheduler's lock says so and asserts it ({@code assert Thread.holdsLock(lock)}).
 *
 * <p><b>Start-up.</b> What {@code GoRuntime.Builder.build()} runs in a fresh JVM is written as
 * classes, not lambdas or method references: each one's first bootstrap spins a hidden class
 * with the interpreted class-file API, 1-2 ms apiece on these machines, with the JIT threads
 * competing for the same cores (the {@code startup} row, docs/PERFORMANCE.md). String
 * concatenation is compiled to {@code StringBuilder} code for the same reason (the pom).
 */
package io.goloom.sched;
