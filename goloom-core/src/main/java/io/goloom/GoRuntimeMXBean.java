package io.goloom;

/**
 * What a runtime shows over JMX, under {@code io.goloom:type=GoRuntime,name=<runtime name>}:
 * the goloom way to Go's SIGQUIT dump of a running program, from JConsole, JDK Mission
 * Control or any JMX client (the launcher's {@code ./goloom dump <pid>} is one). A runtime is
 * registered on a background thread soon after {@code build()} (so that {@code build()} does not
 * wait for the JVM's platform MBean server to start) and unregistered by {@code close()}.
 *
 * <pre>{@code
 * // from another JVM, after JMX-connecting to the process:
 * GoRuntimeMXBean rt = JMX.newMXBeanProxy(connection,
 *         new ObjectName("io.goloom:type=GoRuntime,name=\"demo\""), GoRuntimeMXBean.class);
 * System.out.println(rt.dumpGoroutines());
 * }</pre>
 */
public interface GoRuntimeMXBean {

    /** Goroutines started and not yet finished. */
    int getGoroutines();

    /** Go's schedtrace line, now. */
    String getSchedTrace();

    /** A goroutine dump (the format of {@link GoRuntime#dumpGoroutines}). */
    String dumpGoroutines();

    /** Goroutines parked for at least {@code seconds}, one line each: id, name, wait. */
    String leaks(long seconds);
}
