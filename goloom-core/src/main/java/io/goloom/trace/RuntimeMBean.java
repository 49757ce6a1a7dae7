package io.goloom.trace;

import io.goloom.GoHandle;
import io.goloom.GoRuntimeMXBean;

import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A runtime's {@link GoRuntimeMXBean}, registered with the platform MBean server while the
 * runtime is open. Two runtimes of one name get the second an {@code id} key, so neither
 * registration fails.
 *
 * <p>Registration happens on a background thread, soon after {@link #registerSoon}: the first
 * {@code ManagementFactory.getPlatformMBeanServer()} of a JVM starts the platform MBean server
 * (250-450 ms on two cores), which {@code GoRuntime.builder().build()} must not wait for. One
 * daemon thread, {@value #REGISTRAR}, serves every runtime of the JVM; it exits when it has
 * nothing left to do.
 *
 * <p>A registration's states, guarded by its monitor:
 * <pre>
 *   PENDING --registrar--> REGISTERED --unregister--> GONE
 *   PENDING --unregister--> GONE        (closed first: the registrar skips it)
 * </pre>
 */
public final class RuntimeMBean implements GoRuntimeMXBean {

    /** The registrar thread's name. */
    static final String REGISTRAR = "goloom-jmx-registrar";

    private static final AtomicInteger SEQ = new AtomicInteger();

    /** Registrations the registrar has yet to make. Guarded by itself. */
    private static final ArrayDeque<RuntimeMBean> QUEUE = new ArrayDeque<>();
    /** True while a registrar thread runs; it drains {@link #QUEUE}. Guarded by {@link #QUEUE}. */
    private static boolean registrarRunning;

    private enum State { PENDING, REGISTERED, GONE }

    private final RuntimeView runtime;
    private final PrintStream diagnostics;
    /** Guarded by this. */
    private State state = State.PENDING;
    /** The name registered under, once REGISTERED. Guarded by this. */
    private ObjectName name;

    private RuntimeMBean(RuntimeView runtime, PrintStream diagnostics) {
        this.runtime = runtime;
        this.diagnostics = diagnostics;
    }

    /**
     * Registers {@code runtime}'s MBean soon, on the registrar thread. If JMX refuses it, the
     * runtime works without it and {@code diagnostics} says so once.
     *
     * @return the registration, to {@link #unregister()} at close
     */
    public static RuntimeMBean registerSoon(RuntimeView runtime, PrintStream diagnostics) {
        RuntimeMBean bean = new RuntimeMBean(runtime, diagnostics);
        synchronized (QUEUE) {
            QUEUE.add(bean);
            if (!registrarRunning) {
                registrarRunning = true;
                Thread registrar = new Thread(new Runnable() {   // not a lambda: "Start-up" in sched's package-info
                    @Override
                    public void run() {
                        drain();
                    }
                }, REGISTRAR);
                registrar.setDaemon(true);
                registrar.start();
            }
        }
        return bean;
    }

    private static void drain() {
        for (;;) {
            RuntimeMBean bean;
            synchronized (QUEUE) {
                bean = QUEUE.poll();
                if (bean == null) {
                    registrarRunning = false;
                    return;
                }
            }
            bean.register();
        }
    }

    /**
     * On the registrar: PENDING to REGISTERED, unless closed first. The platform server is
     * fetched (started, the first time) outside the monitor, so a close meanwhile does not wait.
     */
    private void register() {
        MBeanServer server;
        try {
            server = ManagementFactory.getPlatformMBeanServer();
        } catch (RuntimeException | Error e) {
            refused(e);
            return;
        }
        synchronized (this) {
            if (state != State.PENDING) {
                return;
            }
            try {
                String base = "io.goloom:type=GoRuntime,name=" + ObjectName.quote(runtime.name());
                ObjectName candidate = new ObjectName(base);
                for (;;) {
                    try {
                        server.registerMBean(this, candidate);
                        break;
                    } catch (InstanceAlreadyExistsException e) {
                        candidate = new ObjectName(base + ",id=" + SEQ.incrementAndGet());
                    }
                }
                name = candidate;
                state = State.REGISTERED;
            } catch (JMException | RuntimeException e) {
                state = State.GONE;
                refused(e);
            }
        }
    }

    private void refused(Throwable e) {
        diagnostics.println("goloom: runtime \"" + runtime.name()
                + "\" has no JMX MBean (no goroutine dump over JMX): " + e);
    }

    /** Removes the registration, or cancels it if it has not happened yet. Idempotent. */
    public synchronized void unregister() {
        if (state == State.REGISTERED) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
            } catch (JMException e) {
                // already gone: nothing to undo
            }
        }
        state = State.GONE;
    }

    @Override
    public int getGoroutines() {
        return runtime.goroutines();
    }

    @Override
    public String getSchedTrace() {
        return runtime.schedtrace().line();
    }

    @Override
    public String dumpGoroutines() {
        return runtime.goroutineDump();
    }

    @Override
    public String leaks(long seconds) {
        StringBuilder sb = new StringBuilder();
        for (GoHandle g : runtime.leaks(Duration.ofSeconds(seconds))) {
            sb.append("goroutine ").append(g.id());
            if (!g.name().isEmpty()) {
                sb.append(" \"").append(g.name()).append('"');
            }
            sb.append(" waiting ").append(g.waitingFor().orElse(Duration.ZERO)).append('\n');
        }
        return sb.toString();
    }
}
