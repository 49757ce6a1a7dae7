package io.goloom.bench.workload;

import org.HdrHistogram.Histogram;

import java.util.concurrent.locks.LockSupport;

/**
 * The wake-ups of one phase of a latency row ({@code priority}, {@code tenants}): a platform
 * thread plays the outside event (a packet, a timer of another system), stamping a wake-up
 * every millisecond and unparking the woken thread, which records how long it took to run. A
 * wake-up that comes while the previous one is not yet served is not stamped anew, so a thread
 * that cannot run records one long wait, not a missing sample.
 */
final class Wakes {

    private static final long TICK_NANOS = 1_000_000;

    final Histogram latency = new Histogram(3);
    /** The woken thread; set before the ticker starts. */
    Thread woken;
    /** When the wake-up waiting to be served was stamped; written before {@link #pending}. */
    private volatile long wokenAt;
    /** 1 while a stamped wake-up waits: the ticker sets it, the woken thread clears it. */
    private volatile int pending;
    private volatile boolean over, stopped;

    /**
     * Starts the ticker, a platform thread named {@code name}: a wake-up every millisecond until
     * {@code end} ({@code System.nanoTime()}) or {@link #stop()}.
     */
    Thread startTicker(String name, long end) {
        return Thread.ofPlatform().name(name).start(() -> tick(end));
    }

    /** Ends the ticking before its end time. Any thread. */
    void stop() {
        stopped = true;
    }

    private void tick(long end) {
        while (!stopped && end - System.nanoTime() > 0) {
            LockSupport.parkNanos(TICK_NANOS);   // the event's period, not a wait for a result
            if (pending == 0) {
                wokenAt = System.nanoTime();
                pending = 1;
            }
            LockSupport.unpark(woken);
        }
        over = true;
        LockSupport.unpark(woken);
    }

    /** The woken thread: records each wake-up's wait, then runs {@code work}, until the ticker is over and none is left. */
    void serve(Runnable work) {
        while (true) {
            if (pending == 1) {
                latency.recordValue(Math.max(0, System.nanoTime() - wokenAt));
                pending = 0;
                work.run();
            } else if (over) {
                return;
            } else {
                LockSupport.park(this);
            }
        }
    }
}
