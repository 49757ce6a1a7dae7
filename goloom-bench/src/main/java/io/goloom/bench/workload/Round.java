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

/**
 * One run of a workload on one side, bounded by a deadline. Every wait a workload makes goes
 * through here, so a scheduler that loses a wake-up fails the round with a
 * {@link TimeoutException} instead of hanging the run. Threads of a timed-out round are left
 * where they are: goloom's {@code close()} reports the goroutines still stuck.
 */
public final class Round {

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
