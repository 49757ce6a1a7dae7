package io.goloom.bench.jmh;

import io.goloom.GoRuntime;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.time.Duration;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Timer add + cancel: arm a timer an hour out and stop it at once, the life of a timeout that
 * is almost never reached (a request deadline, a watchdog); {@value #TIMERS} per invocation.
 * <ul>
 * <li>{@link #afterFuncInGoroutine}: {@code rt.afterFunc(1 h, NOOP).stop()} from one goroutine
 * of the runtime, so every entry goes on that goroutine's own P's timer heap, Go's common case
 * (starting and joining the goroutine is amortised over the batch);</li>
 * <li>{@link #newTimerFromPlatformThread}: {@code rt.newTimer(1 h).stop()} from the benchmark's
 * platform thread, which is no goroutine, so each entry goes on a random P's heap;</li>
 * <li>{@link #jdkScheduledExecutor}: the JDK's reference, {@code schedule(NOOP, 1, HOURS)} then
 * {@code cancel(false)} on a {@code ScheduledThreadPoolExecutor(1)} that removes on cancel:
 * what the JDK's own timer threads for virtual threads are made of.</li>
 * </ul>
 * A stop leaves a zombie entry on goloom's heap, swept when zombies pass a quarter of it; the
 * batches are big enough that the sweeps are part of the cost.
 */
@State(Scope.Benchmark)
public class TimerBenchmark extends Defaults {

    private static final int TIMERS = 10_000;
    /** Far enough that no timer fires during a run: only adding and cancelling are measured. */
    private static final Duration DELAY = Duration.ofHours(1);
    private static final Runnable NOOP = () -> { };
    /** Bounds the goroutine's batch, as in the comparison harness: a lost wake-up fails, not hangs. */
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private GoRuntime runtime;
    private ScheduledThreadPoolExecutor executor;

    @Setup(Level.Trial)
    public void open() {
        runtime = GoRuntime.builder().procs(Runtime.getRuntime().availableProcessors()).name("bench").build();
        executor = new ScheduledThreadPoolExecutor(1);
        executor.setRemoveOnCancelPolicy(true);
    }

    @TearDown(Level.Trial)
    public void close() {
        executor.shutdownNow();
        runtime.close();
    }

    /** @return how many stops found their timer pending: {@value #TIMERS} */
    @Benchmark
    @OperationsPerInvocation(TIMERS)
    public int afterFuncInGoroutine() throws Exception {
        FutureTask<Integer> batch = new FutureTask<>(() -> {
            int stopped = 0;
            for (int i = 0; i < TIMERS; i++) {
                if (runtime.afterFunc(DELAY, NOOP).stop()) {
                    stopped++;
                }
            }
            return stopped;
        });
        runtime.go(batch);
        return batch.get(TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** @return how many stops found their timer pending: {@value #TIMERS} */
    @Benchmark
    @OperationsPerInvocation(TIMERS)
    public int newTimerFromPlatformThread() {
        int stopped = 0;
        for (int i = 0; i < TIMERS; i++) {
            if (runtime.newTimer(DELAY).stop()) {
                stopped++;
            }
        }
        return stopped;
    }

    /** @return how many cancels found their task pending: {@value #TIMERS} */
    @Benchmark
    @OperationsPerInvocation(TIMERS)
    public int jdkScheduledExecutor() {
        int cancelled = 0;
        for (int i = 0; i < TIMERS; i++) {
            if (executor.schedule(NOOP, DELAY.toHours(), TimeUnit.HOURS).cancel(false)) {
                cancelled++;
            }
        }
        return cancelled;
    }
}
