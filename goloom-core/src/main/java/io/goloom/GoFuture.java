package io.goloom;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The result of a goroutine started with {@link GoRuntime#submit}: a {@link Future} of its
 * task's value or exception, and the goroutine itself ({@link #goroutine()}).
 *
 * <pre>{@code
 * GoFuture<Integer> f = rt.submit(() -> parse(request));
 * int n = f.get(5, TimeUnit.SECONDS);   // the value, or ExecutionException with the task's exception
 * f.cancel(true);                       // interrupts the goroutine if it is still running
 * }</pre>
 *
 * <p>The task's exception is kept here and is not passed to the runtime's uncaught-exception
 * handler (as with {@code ExecutorService.submit}): read it with {@link #get()} or
 * {@link #exceptionNow()}. {@link #cancel(boolean) cancel(true)} interrupts the goroutine's
 * virtual thread, which the task sees as {@code InterruptedException} from a blocking call or
 * as its interrupt status; a task not yet started never runs. Every method may be called from
 * any thread.
 *
 * @param <T> the task's result type
 */
public final class GoFuture<T> implements Future<T> {

    private final FutureTask<T> task;
    private final GoHandle goroutine;

    GoFuture(FutureTask<T> task, GoHandle goroutine) {
        this.task = task;
        this.goroutine = goroutine;
    }

    /** The goroutine running the task (its id, state, wait reason, thread). */
    public GoHandle goroutine() {
        return goroutine;
    }

    /**
     * Waits for the value.
     *
     * @throws ExecutionException with the task's exception as its cause, if it threw
     * @throws java.util.concurrent.CancellationException if it was cancelled
     */
    @Override
    public T get() throws InterruptedException, ExecutionException {
        return task.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        return task.get(timeout, unit);
    }

    /** {@link #get(long, TimeUnit)} with a {@link Duration}. */
    public T get(Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
        return task.get(GoRuntime.nanos(timeout, "timeout"), TimeUnit.NANOSECONDS);   // nanos checks null
    }

    /**
     * Cancels the task: one not started never runs; with {@code mayInterruptIfRunning}, a running
     * one's goroutine is interrupted. The goroutine itself may go on until its task returns.
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return task.cancel(mayInterruptIfRunning);
    }

    @Override
    public boolean isCancelled() {
        return task.isCancelled();
    }

    @Override
    public boolean isDone() {
        return task.isDone();
    }

    @Override
    public T resultNow() {
        return task.resultNow();
    }

    @Override
    public Throwable exceptionNow() {
        return task.exceptionNow();
    }

    @Override
    public State state() {
        return task.state();
    }

    @Override
    public String toString() {
        return "GoFuture[" + state() + ", " + goroutine + "]";
    }
}
