package io.goloom.bench.side;

import io.goloom.Go;
import io.goloom.GoRuntime;
import io.goloom.Priority;
import io.goloom.Tenant;

import java.time.Duration;
import java.util.concurrent.ThreadFactory;

/** goloom: one {@link GoRuntime} with {@code procs} Ps, alive until {@link #close()}. */
public final class GoloomSide implements Side {

    /**
     * How long {@link #close()} waits for goroutines. Only a round that already timed out leaves
     * any behind, and then the runtime's report of them is what we want to see, soon.
     */
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

    private final GoRuntime runtime;
    private final ThreadFactory threads, criticalThreads;

    GoloomSide(int procs) {
        runtime = GoRuntime.builder().procs(procs).name("bench").shutdownTimeout(SHUTDOWN_TIMEOUT).build();
        threads = runtime.threadFactory();
        criticalThreads = runtime.threadFactory(Priority.CRITICAL);
    }

    @Override
    public String name() {
        return GOLOOM;
    }

    @Override
    public ThreadFactory threads() {
        return threads;
    }

    @Override
    public ThreadFactory criticalThreads() {
        return criticalThreads;
    }

    @Override
    public synchronized ThreadFactory tenantThreads(String name, int weight) {
        for (Tenant t : runtime.tenants()) {
            if (t.name().equals(name)) {
                if (t.weight() != weight) {
                    throw new IllegalArgumentException("tenant \"" + name + "\" has weight " + t.weight()
                            + " already, not " + weight);
                }
                return t.threadFactory();
            }
        }
        return runtime.tenant(name, weight).threadFactory();
    }

    /** Go's {@code go f()}: from a goroutine of this runtime the child takes the caller's runnext slot. */
    @Override
    public Thread start(Runnable task) {
        return runtime.go(task).thread();
    }

    @Override
    public void gosched() {
        Go.yield();
    }

    @Override
    public void checkpoint() {
        Go.checkpoint();
    }

    @Override
    public void sleep(Duration d) throws InterruptedException {
        Go.sleep(d);
    }

    @Override
    public int carriers() {
        return runtime.threads();
    }

    /** The runtime, for benchmarks of its own features (the execution trace). */
    public GoRuntime runtime() {
        return runtime;
    }

    @Override
    public void close() {
        runtime.close();
    }
}
