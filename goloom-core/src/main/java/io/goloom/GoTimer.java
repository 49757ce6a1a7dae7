package io.goloom;

import io.goloom.sched.Timer;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * A single-shot timer (Go's {@code time.Timer}), kept on the timer heap of the P of the
 * goroutine that armed it and fired by the schedule loop: no timer thread is involved.
 * Made by {@link GoRuntime#newTimer} (fires into {@link #await()}) or
 * {@link GoRuntime#afterFunc} (fires by starting a goroutine), or the same methods of {@link Go}.
 *
 * <pre>{@code
 * GoTimer timeout = Go.newTimer(Duration.ofMillis(200));
 * Go.go(() -> { fetch(); timeout.stop(); });
 * timeout.await();                       // 200 ms unless fetch() stopped it first
 * }</pre>
 *
 * <p>Go 1.23's semantics: {@link #stop()} and {@link #reset} return whether the timer was
 * pending, and after either returns, {@link #await()} never sees a fire from before. Every arming
 * ends exactly once: it fires, or a stop or reset ends it. Safe to use from any thread.
 */
public final class GoTimer {

    private final Timer timer;
    private final boolean func;

    GoTimer(Timer timer, boolean func) {
        this.timer = timer;
        this.func = func;
    }

    /**
     * Stops the timer.
     *
     * @return true if it was pending (it will not fire); false if it had fired or was stopped
     */
    public boolean stop() {
        return timer.stop();
    }

    /**
     * Re-arms the timer to fire after {@code delay} (at once if zero or negative), replacing a
     * pending arming.
     *
     * @return true if an arming was pending
     */
    public boolean reset(Duration delay) {
        return timer.reset(GoRuntime.nanos(delay, "delay"), 0);
    }

    /** True while the timer is armed and has not fired. */
    public boolean isPending() {
        return timer.isArmed();
    }

    /**
     * Waits until the timer fires (Go's {@code <-t.C}); returns at once if it fired and no one
     * has awaited that fire yet. Waits forever on a stopped timer, as in Go.
     *
     * @return when the fire was due, on the {@link System#nanoTime()} clock
     * @throws InterruptedException if the waiting thread is interrupted
     * @throws UnsupportedOperationException for an {@code afterFunc} timer, which fires by
     *         starting its function
     */
    public long await() throws InterruptedException {
        if (func) {
            throw new UnsupportedOperationException("await() on an afterFunc timer: it fires by running its function"
                    + " in a goroutine, not into await (Go's AfterFunc timer has no channel)");
        }
        return timer.awaitTick();
    }

    /**
     * Takes a fire that has come and not been awaited yet, without waiting (Go's receive in a
     * {@code select} with a {@code default} case).
     *
     * @return when it was due, on the {@link System#nanoTime()} clock, or empty if none is waiting
     */
    public OptionalLong poll() {
        if (func) {
            throw new UnsupportedOperationException("poll() on an afterFunc timer: it fires by running its function");
        }
        long when = timer.pollTick();
        return when == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(when);
    }

    @Override
    public String toString() {
        return timer.toString();
    }
}
