/**
 * The workloads of the comparison, one class each, and what they run on: a
 * {@link io.goloom.bench.workload.Round} (a deadline and a side) and the
 * {@link io.goloom.bench.workload.Metric}s they fill; {@link io.goloom.bench.workload.ChildJvm}
 * builds the command lines of the child JVMs that rows (and subcommands) start.
 *
 * <p>Depends on {@code io.goloom.bench.side}, HdrHistogram, Jox and the JDK; on goloom-core only
 * for {@code io.goloom.chan}, whose channels run unchanged on every side (a workload must). {@link
 * io.goloom.bench.workload.ContinuationFloor} is the one class here that reaches JDK internals.
 */
package io.goloom.bench.workload;
