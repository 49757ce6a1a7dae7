/**
 * The schedulers under comparison: goloom and the JDK's default virtual-thread scheduler,
 * behind one small interface, {@link io.goloom.bench.side.Side}.
 *
 * <p>Depends on goloom-core's public API ({@code io.goloom}) and the JDK only.
 */
package io.goloom.bench.side;
