/**
 * goloom's public API: {@link io.goloom.GoRuntime} (build, start goroutines, a
 * {@code ThreadFactory}, close), {@link io.goloom.Go} (static helpers inside a goroutine),
 * {@link io.goloom.GoHandle} (a goroutine), and the value types they return.
 *
 * <p>Depends on {@code java.base}, on {@code io.goloom.sched}, which implements it, and on
 * {@code io.goloom.trace}, whose schedtrace printer {@code GoRuntime.Builder.build()} starts
 * (that package uses only this one's public API).
 */
package io.goloom;
