package io.goloom.trace;

import io.goloom.GoHandle;
import io.goloom.GoRuntimeMXBean;

import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A runtime's {@link GoRuntimeMXBean}, registered with the platform MBean server while the
 * runtime is open. Two runtimes of one name get the second an {@code id} key, so neither
 * registration fails.
 */
public final class RuntimeMBean implements GoRuntimeMXBean {

    private static final AtomicInteger SEQ = new AtomicInteger();

    private final RuntimeView runtime;
    private final ObjectName name;

    private RuntimeMBean(RuntimeView runtime, ObjectName name) {
        this.runtime = runtime;
        this.name = name;
    }

    /**
     * Registers {@code runtime}'s MBean.
     *
     * @return the registration, to {@link #unregister()} at close
     * @throws JMException if the platform MBean server refuses it
     */
    public static RuntimeMBean register(RuntimeView runtime) throws JMException {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        String base = "io.goloom:type=GoRuntime,name=" + ObjectName.quote(runtime.name());
        ObjectName name = new ObjectName(base);
        for (;;) {
            RuntimeMBean bean = new RuntimeMBean(runtime, name);
            try {
                server.registerMBean(bean, name);
                return bean;
            } catch (InstanceAlreadyExistsException e) {
                name = new ObjectName(base + ",id=" + SEQ.incrementAndGet());
            }
        }
    }

    /** The name it is registered under. */
    public ObjectName objectName() {
        return name;
    }

    /** Removes the registration. Idempotent. */
    public void unregister() {
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (JMException e) {
            // already gone: nothing to undo
        }
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
