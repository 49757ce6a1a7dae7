/**
 * JMH micro-benchmarks of goloom's hot paths through its public API, each on both schedulers
 * ({@code -p side=goloom|jdk}): spawn, park/unpark round trip, {@code Thread.yield} and
 * {@code Go.yield}, a {@code Select} over four channels against one receive; plus the
 * continuation floor, and timer add + cancel (goloom's per-P timers
 * against the {@code ScheduledThreadPoolExecutor} behind the JDK's timers). Run them with
 * {@code ./goloom jmh [JMH options]}.
 *
 * <p>Classes here are public and not final because JMH generates subclasses of them. Depends on
 * {@code io.goloom.bench.workload}, {@code io.goloom.bench.side}, {@code io.goloom} (the timers), {@code io.goloom.chan} and JMH.
 */
package io.goloom.bench.jmh;
