package io.goloom.bench.side;

import java.time.Duration;
import java.util.concurrent.ThreadFactory;

/** The JDK's default virtual-thread scheduler (a ForkJoinPool shared by the whole JVM). */
public final class JdkSide implements Side {

    private static final String CARRIER_CLASS = "jdk.internal.misc.CarrierThread";

    private final ThreadFactory threads = Thread.ofVirtual().factory();

    JdkSide() {
    }

    @Override
    public String name() {
        return JDK;
    }

    @Override
    public ThreadFactory threads() {
        return threads;
    }

    @Override
    public ThreadFactory criticalThreads() {
        return threads();
    }

    @Override
    public ThreadFactory tenantThreads(String name, int weight) {
        return threads();
    }

    @Override
    public Thread start(Runnable task) {
        return Thread.startVirtualThread(task);
    }

    @Override
    public void gosched() {
        Thread.yield();
    }

    /** No preemption points on the JDK's scheduler. */
    @Override
    public void checkpoint() {
    }

    /** No per-P timers on the JDK: the JDK's timer threads. */
    @Override
    public void sleep(Duration d) throws InterruptedException {
        Thread.sleep(d);
    }

    /**
     * The default scheduler's carriers are {@code jdk.internal.misc.CarrierThread}s (a
     * ForkJoinWorkerThread subclass); counted by class name across all live platform threads.
     */
    @Override
    public int carriers() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getClass().getName().equals(CARRIER_CLASS))
                .count();
    }

    /** Nothing to release: the default scheduler lives as long as the JVM. */
    @Override
    public void close() {
    }
}
