package io.goloom;

import io.goloom.sched.Timer;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * A ticker (Go's {@code time.Ticker}): ticks every period, on the grid {@code start + k * period}
 * of the {@link System#nanoTime()} clock, so lateness never accumulates into drift. Like Go's
 * one-slot tick channel, a tick that finds the previous one not yet awaited is dropped, and a
 * ticker whose fires run late skips the ticks it missed. Made by {@link GoRuntime#newTicker}
 * or {@link Go#newTicker}; safe to use from any thread.
 *
 * <pre>{@code
 * GoTicker tick = Go.newTicker(Duration.ofSeconds(1));
 * try {
 *     while (running) {
 *         tick.await();
 *         reportProgress();
 *     }
 * } finally {
 *     tick.stop();
 * }
 * }</pre>
 */
public final class GoTicker {

    private final Timer timer;

    GoTicker(Timer timer) {
        this.timer = timer;
    }

    /**
     * Waits for the next tick.
     *
     * @return when that tick was due, on the {@link System#nanoTime()} clock: always
     *         {@code start + k * period} for the current period
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public long await() throws InterruptedException {
        return timer.awaitTick();
    }

    /** Stops the ticker: no tick is delivered after this returns, even one already due. */
    public void stop() {
        timer.stop();
    }

    /**
     * Restarts the ticker with a new period; the next tick is {@code period} from now.
     *
     * @throws IllegalArgumentException if {@code period} is not positive
     */
    public void reset(Duration period) {
        long p = GoRuntime.period(period);
        timer.reset(p, p);
    }

    /**
     * Takes a tick that has come and not been awaited yet, without waiting (Go's receive in a
     * {@code select} with a {@code default} case).
     *
     * @return when it was due, on the {@link System#nanoTime()} clock, or empty if none is waiting
     */
    public OptionalLong poll() {
        long when = timer.pollTick();
        return when == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(when);
    }

    @Override
    public String toString() {
        return timer.toString();
    }
}
