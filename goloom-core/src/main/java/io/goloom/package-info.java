/**
 * goloom's public API: {@link io.goloom.GoRuntime} (build, start goroutines, a
 * {@code ThreadFactory}, close), {@link io.goloom.Go} (static helpers inside a goroutine),
 * {@link io.goloom.GoHandle} (a goroutine), and the value types they return.
 *
 * <p>Depends on {@code java.base} and on {@code io.goloom.sched}, which implements it.
 */
package io.goloom;
