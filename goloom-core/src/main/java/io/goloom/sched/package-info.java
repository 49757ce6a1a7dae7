/**
 * The scheduler: goloom's implementation of Go's G-M-P design on JDK virtual threads.
 *
 * <p>{@link io.goloom.sched.Scheduler} opens with the design (where a readied goroutine goes,
 * the spinning-M protocol, locking, shutdown); {@code G}, {@code M}, {@code P} and
 * {@code RunQueue} each document their own state machine and who may touch which field
 * ({@code P}'s "Ownership" is the one hand-offs rely on). {@code Sysmon} is the monitor thread
 * (preemption requests, hand-off of a stuck carrier's P, stale runnext); {@link
 * io.goloom.sched.Config} is what a runtime is built with. {@link
 * io.goloom.sched.VirtualThreads} is the only door to JDK internals. {@code ExecTrace} records
 * the execution trace from inside the scheduler (per-M buffers) and {@code TraceJson} writes it.
 *
 * <p>Types here are public only where {@code io.goloom} needs them; they are not API and may
 * change in any release. Depends on {@code java.base} and on the API types of
 * {@code io.goloom} that it implements ({@code GoHandle}, {@code GoroutineState},
 * {@code ProcStats}), nothing else.
 *
 * <p><b>Access-mode conventions.</b> Every field shared between threads says who writes it,
 * who reads it and how (plain owner-only, volatile, CAS, getAcquire/setRelease, opaque), and
 * every racy read says why a stale value is harmless ({@code race:} comments).
 */
package io.goloom.sched;
