/**
 * The goloom-bench command line and the comparison harness: {@link io.goloom.bench.Main} and
 * its subcommands, {@link io.goloom.bench.Compare} (rounds, alternation, medians), the Go
 * column, and the table and JSON reports.
 *
 * <p>Depends on {@code io.goloom.bench.workload} and {@code io.goloom.bench.side}, picocli, JMH
 * (only to hand it the command line) and the JDK.
 */
package io.goloom.bench;
