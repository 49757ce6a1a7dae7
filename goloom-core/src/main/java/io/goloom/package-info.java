/**
 * goloom's public API, in two layers.
 *
 * <p><b>Leaves</b>, the types every other package may use and which use nothing of goloom:
 * {@link io.goloom.GoHandle} (a goroutine), {@link io.goloom.GoroutineState},
 * {@link io.goloom.WaitReason}, {@link io.goloom.ProcStats}, {@link io.goloom.LatencyHistogram},
 * {@link io.goloom.SchedTrace}, {@link io.goloom.TraceSummary},
 * {@link io.goloom.GoRuntimeMXBean}, {@link io.goloom.SchedulingPolicy} (which the scheduler
 * reads at its decisions) and {@link io.goloom.Priority} (a goroutine's class).
 *
 * <p><b>The facade</b>: {@link io.goloom.GoRuntime} (build, start goroutines, a
 * {@code ThreadFactory}, observe, close), {@link io.goloom.Go} (what a goroutine calls),
 * {@link io.goloom.GoFuture}, {@link io.goloom.GoTimer}, {@link io.goloom.GoTicker} and
 * {@link io.goloom.Tenant} (a group of goroutines with a weighted CPU share). It
 * builds on {@code io.goloom.sched} (the scheduler) and {@code io.goloom.trace} (the
 * diagnostics), neither of which knows it: dependencies point one way, and
 * {@code LayersTest} keeps them so.
 */
package io.goloom;
