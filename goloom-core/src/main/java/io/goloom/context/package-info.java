/**
 * Go's {@code context}: {@link io.goloom.context.Context} (deadline, cancellation, values),
 * {@link io.goloom.context.CancelContext} and {@link io.goloom.context.ContextException}.
 *
 * <p>Depends on {@code java.base}, {@code io.goloom} (timers of the caller's runtime) and
 * {@code io.goloom.chan} ({@code done()} is a channel).
 */
package io.goloom.context;
