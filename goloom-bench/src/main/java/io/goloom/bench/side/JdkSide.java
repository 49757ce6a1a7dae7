package io.goloom.bench.side;

import java.util.concurrent.ThreadFactory;

/** The JDK's default virtual-thread scheduler (a ForkJoinPool shared by the whole JVM). */
public final class JdkSide implements Side {

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
    public Thread start(Runnable task) {
        return Thread.startVirtualThread(task);
    }

    @Override
    public void gosched() {
        Thread.yield();
    }

    /** Nothing to release: the default scheduler lives as long as the JVM. */
    @Override
    public void close() {
    }
}
