package io.goloom;

import java.time.Duration;
import java.util.Optional;

/**
 * A goroutine: a virtual thread whose continuation is scheduled by a {@link GoRuntime}.
 *
 * <pre>{@code
 * GoHandle h = rt.go("worker-1", () -> handle(request));
 * h.join();                      // waits like Thread.join
 * System.out.println(h.id() + " ran on P" + h.lastP());
 * }</pre>
 *
 * <p>Every accessor may be called from any thread. Values other than {@link #id()},
 * {@link #name()} and {@link #thread()} are read without stopping the goroutine and may be
 * stale (see {@link GoroutineState}).
 */
public interface GoHandle {

    /**
     * The goroutine id: unique within its runtime, from 1. As in Go, each P hands out ids from
     * its own batch of 16, so ids rise with creation on one P but not across Ps.
     */
    long id();

    /** The goroutine's name (its thread's name); empty when it was given none. */
    String name();

    /** The virtual thread that is this goroutine ({@code thread().isVirtual()} is true). */
    Thread thread();

    /** Where the goroutine is now (may be stale by the time it is read). */
    GoroutineState state();

    /** The id of the P it last ran on, or -1 if it has not run yet. */
    int lastP();

    /**
     * {@link System#nanoTime()} when it was created. When another goroutine of the same
     * runtime created it, the value is the clock that the runtime's monitor thread advances
     * every 20 µs to 10 ms, so it may be up to 10 ms early: reading that costs a spawn nothing.
     * Use it for ages and reports, not for timing code.
     */
    long createdNanos();

    /** The id of the goroutine that created this one (Go's {@code parentGoid}), or 0 if none did. */
    long parentId();

    /** Its priority class, fixed at creation (see {@link Priority}). */
    Priority priority();

    /** The name of the default tenant ({@code GoRuntime.defaultTenant()}). */
    String DEFAULT_TENANT = "default";

    /** The name of its tenant, fixed at creation: {@value #DEFAULT_TENANT} unless it was started in another ({@code GoRuntime.tenant}). */
    String tenant();

    /**
     * How long the goroutine has been parked, if it is {@link GoroutineState#WAITING} now;
     * empty otherwise. Measured on the scheduler's coarse clock: accurate to one sysmon round
     * (at most 10 ms), which is what leak reports need.
     */
    Optional<Duration> waitingFor();

    /**
     * Why the goroutine waits, if it is {@link GoroutineState#WAITING} now; empty otherwise.
     * The reason its code set before parking ({@link Go#setWaitReason}: goloom's channels,
     * {@code Go.sleep}), else a guess from its park blocker and thread state (see
     * {@link WaitReason#of}); scheddetail prints it.
     *
     * <pre>{@code
     * h.waitReason().ifPresent(r -> System.out.println("goroutine " + h.id() + " [" + r.label() + "]"));
     * }</pre>
     */
    default Optional<WaitReason> waitReason() {
        return waitReason(null);
    }

    /**
     * {@link #waitReason()}, with the guess refined by {@code stack} (the goroutine's frames, top
     * first, or null) where its code set no reason: {@code Thread.sleep}, socket I/O,
     * {@code Object.wait}. Goroutine dumps, which have the stack, print this.
     */
    Optional<WaitReason> waitReason(StackTraceElement[] stack);

    /** True once the goroutine's task has returned or thrown (its thread has terminated). */
    default boolean isDone() {
        return thread().getState() == Thread.State.TERMINATED;
    }

    /**
     * Waits for the goroutine to finish, like {@link Thread#join()}; {@link #state()} is
     * {@link GoroutineState#DEAD} once it returns. It returns normally whether the task returned
     * or threw: an exception that escapes a goroutine goes to the runtime's uncaught-exception
     * handler ({@code GoRuntime.Builder.uncaughtExceptionHandler}; by default it is printed to
     * the diagnostics stream, with the goroutine's id). For a result or the exception itself,
     * start the goroutine with {@code GoRuntime.submit}, whose {@link GoFuture} holds either.
     */
    default void join() throws InterruptedException {
        thread().join();
    }

    /**
     * Waits at most {@code timeout} for the goroutine to finish; as {@link #join()} otherwise.
     *
     * @return true if it finished within the timeout
     */
    default boolean join(Duration timeout) throws InterruptedException {
        return thread().join(timeout);
    }
}
