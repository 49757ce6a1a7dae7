package io.goloom.bench.workload;

import io.goloom.bench.side.Side;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * One run of a workload on one side, bounded by a deadline. Every wait a workload makes goes
 * through here, so a scheduler that loses a wake-up fails the round with a
 * {@link TimeoutException} instead of hanging the run. Threads of a timed-out round are left
 * where they are: goloom's {@code close()} reports the goroutines still stuck.
 */
public final class Round {

    private static final long POLL_PAUSE_NANOS = 50_000;

    private final Side side;
    private final Duration timeout;
    private final long deadline;

    /** A round on {@code side} that must be over within {@code timeout} from now. */
    public Round(Side side, Duration timeout) {
        this.side = side;
        this.timeout = timeout;
        this.deadline = System.nanoTime() + timeout.toNanos();
    }

    /** The scheduler this round runs on. */
    public Side side() {
        return side;
    }

    /** An unstarted task on a new thread of the side. */
    public <T> Task<T> task(Callable<T> body) {
        return task(side.threads(), body);
    }

    /** An unstarted task on a new thread of {@code threads}. */
    public <T> Task<T> task(ThreadFactory threads, Callable<T> body) {
        return new Task<>(threads, body);
    }

    /** Runs {@code body} on a new thread of the side and returns its result. */
    public <T> T call(Callable<T> body) throws Exception {
        return task(body).start().join();
    }

    /** Waits for {@code latch} until the deadline. */
    public void await(CountDownLatch latch) throws InterruptedException, TimeoutException {
        if (!latch.await(remainingNanos(), TimeUnit.NANOSECONDS)) {
            throw timedOut();
        }
    }

    /**
     * Waits until the deadline for every one of {@code threads} to be parked ({@code WAITING}).
     * A park has no event to wait on, so this polls, pausing 50 us between polls of a thread
     * that is not parked yet: a poller that is itself a virtual thread then leaves its carrier to
     * the threads it waits for ({@code Thread.yield} does not, on the JDK's scheduler with one
     * carrier: it can run the yielder again at once).
     */
    public void awaitParked(Thread[] threads) throws TimeoutException {
        for (Thread t : threads) {
            while (t.getState() != Thread.State.WAITING) {
                if (remainingNanos() <= 0) {
                    throw new TimeoutException("a thread did not park within " + timeout.toSeconds() + " s: " + t);
                }
                LockSupport.parkNanos(POLL_PAUSE_NANOS);
            }
        }
    }

    /** Joins every one of {@code threads}, until the deadline. */
    public void join(Thread[] threads) throws InterruptedException, TimeoutException {
        for (Thread t : threads) {
            if (!t.join(Duration.ofNanos(Math.max(1, remainingNanos())))) {
                throw timedOut();
            }
        }
    }

    /**
     * Waits for {@code process} until the deadline; past it, destroys it and throws.
     *
     * @return its exit status
     */
    public int waitFor(Process process) throws InterruptedException, TimeoutException {
        if (!process.waitFor(remainingNanos(), TimeUnit.NANOSECONDS)) {
            process.destroyForcibly();
            throw timedOut();
        }
        return process.exitValue();
    }

    private long remainingNanos() {
        return deadline - System.nanoTime();
    }

    private TimeoutException timedOut() {
        return new TimeoutException("timeout after " + timeout.toSeconds() + " s");
    }

    /**
     * A body on a thread of its own, created unstarted so that threads can learn each other's
     * identity before any of them runs.
     */
    public final class Task<T> {

        private final FutureTask<T> result;
        private final Thread thread;

        private Task(ThreadFactory threads, Callable<T> body) {
            result = new FutureTask<>(body);
            thread = threads.newThread(result);
        }

        /** The thread that runs the body. */
        public Thread thread() {
            return thread;
        }

        /** Starts the thread; returns this task. */
        public Task<T> start() {
            thread.start();
            return this;
        }

        /** Waits until the deadline for the body's result; rethrows what the body threw. */
        public T join() throws Exception {
            try {
                return result.get(remainingNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw timedOut();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Exception cause) {
                    throw cause;
                }
                throw e;
            }
        }
    }
}
