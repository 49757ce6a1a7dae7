/**
 * The {@code http} row of {@code ./goloom bench} (issue 14): a real Jetty 12 server on each
 * scheduler, under a closed-loop saturation run and an open-loop load, with the Go column's
 * net/http server measured by the same client.
 *
 * <p>Processes: the bench JVM ({@link io.goloom.bench.http.Http}, the workload) starts, per side,
 * a server JVM ({@link io.goloom.bench.http.ServerMain}: Jetty, its request virtual threads on
 * goloom or on the JDK's default scheduler, nothing else running in it) and then the load
 * generator ({@link io.goloom.bench.http.LoadMain}, another JVM, platform threads only, which
 * itself runs {@code wrk} for the closed-loop phases). The generator is a process of its own
 * rather than code in the bench JVM so that it shares no scheduler, heap, JIT or GC with any
 * server, and so that it is the very same generator for the Go server: the Go column's only
 * entry point is {@code go run}, so {@code main.go} starts the generator against itself, with
 * the command line {@link io.goloom.bench.http.Http#goProgram()} hands it.
 *
 * <p>Depends on Jetty ({@code jetty-server}, server children only), HdrHistogram (the
 * generator), goloom's facade ({@code GoRuntime}, {@code Go.inGoroutine}) and the workload
 * API of {@code io.goloom.bench.workload} and {@code io.goloom.bench.side}. Linux only: the
 * CPU and context-switch figures come from {@code /proc}.
 */
package io.goloom.bench.http;
