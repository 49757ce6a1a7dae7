package io.goloom.sched;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The timeouts of {@code Thread.sleep}, {@code LockSupport.parkNanos} and timed
 * {@code Object.wait} of goroutines, on the per-P timer heaps (Go's timers) instead of the JDK's
 * timer threads.
 *
 * <p>For a virtual thread with a custom scheduler the JDK schedules such a timeout on
 * {@code VirtualThread.DelayedTaskSchedulers}: single-thread {@code ScheduledThreadPoolExecutor}s
 * whose {@code VirtualThread-unparker} platform thread wakes from its own timed wait for every
 * timeout and readies the thread from outside goloom (global queue, {@code wakep}). A server
 * whose handler sleeps 1 ms paid two OS thread switches per request for that (24.6k voluntary
 * switches of the timer thread at 5,000 req/s). goloom wraps each of those executors: a timeout
 * scheduled on one of its Ms holding a P goes on that P's {@link TimerHeap} as a
 * {@link Timer#task} timer, fired by the schedule loop (or a spinning M, or sysmon), which readies
 * the thread on that P; anything else goes to the JDK's executor as before.
 *
 * <p>The JDK calls only {@code schedule(Runnable, long, TimeUnit)} and cancels the result with
 * {@code cancel(false)} when the thread is unparked first; every other method delegates.
 */
final class JdkTimeouts extends AbstractExecutorService implements ScheduledExecutorService {

    private final ScheduledExecutorService jdk;

    JdkTimeouts(ScheduledExecutorService jdk) {
        this.jdk = jdk;
    }

    /** Wraps every executor of {@code schedulers} (the JDK's array, replaced in place) once. */
    static void install(ScheduledExecutorService[] schedulers) {
        for (int i = 0; i < schedulers.length; i++) {
            if (!(schedulers[i] instanceof JdkTimeouts)) {
                schedulers[i] = new JdkTimeouts(schedulers[i]);
            }
        }
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        if (VirtualThreads.JDK.currentCarrierThread() instanceof M m && m.p != null && !m.sched.terminated) {
            Timer t = Timer.task(m.sched, command);
            long nanos = Math.min(Math.max(unit.toNanos(delay), 0), Timer.MAX_DELAY_NANOS);
            t.reset(nanos, 0);
            return new Timeout(t, System.nanoTime() + nanos);
        }
        return jdk.schedule(command, delay, unit);
    }

    /** A timeout on a P's heap. */
    private record Timeout(Timer timer, long deadline) implements ScheduledFuture<Object> {
        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return timer.stop();
        }

        @Override
        public boolean isCancelled() {
            return false;   // the JDK never asks; a stopped timer cannot tell cancel from fire
        }

        @Override
        public boolean isDone() {
            return !timer.isArmed();
        }

        @Override
        public Object get() {
            throw new UnsupportedOperationException("a goroutine timeout has no result");
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            throw new UnsupportedOperationException("a goroutine timeout has no result");
        }
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return jdk.schedule(callable, delay, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return jdk.scheduleAtFixedRate(command, initialDelay, period, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return jdk.scheduleWithFixedDelay(command, initialDelay, delay, unit);
    }

    @Override
    public void execute(Runnable command) {
        jdk.execute(command);
    }

    @Override
    public void shutdown() {
        jdk.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
        return jdk.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
        return jdk.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return jdk.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return jdk.awaitTermination(timeout, unit);
    }
}
