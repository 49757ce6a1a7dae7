package io.goloom.trace;

import io.goloom.SchedTrace;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Go's {@code GODEBUG=schedtrace}: a daemon platform thread, {@code <runtime>-schedtrace},
 * that prints {@link SchedTrace#line()} (or, with detail, {@link SchedTrace#detail}) of one
 * runtime every period to a stream, as Go's sysmon prints to stderr. {@code GoRuntime.Builder}
 * starts one when {@code schedtrace} is set ({@link DebugSettings},
 * {@code Builder.schedtrace(Duration, boolean)}) and the runtime's close stops it; it can also
 * be used on its own.
 *
 * <pre>{@code
 * try (SchedTracer t = SchedTracer.start(rt, Duration.ofMillis(100), false, System.err)) {
 *     runLoad(rt);    // SCHED 100ms: gomaxprocs=2 idleprocs=0 threads=2 ... runqueue=0 [3 1]
 * }
 * }</pre>
 *
 * <p>Lines are printed on a fixed-rate grid from the start: a late round (the machine was busy)
 * is followed by the next one on the grid, not by a burst. A detailed trace is printed with one
 * {@code print} call, so other writers to the stream do not land inside it.
 */
public final class SchedTracer implements AutoCloseable {

    /** How long {@link #close()} waits for a round in progress (a huge scheddetail) to end. */
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);

    private final RuntimeView runtime;
    private final long periodNanos;
    private final boolean detail;
    private final PrintStream out;
    /** Opened by {@link #close()}; the thread waits on it between rounds, so closing wakes it at once. */
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread thread;

    private SchedTracer(RuntimeView runtime, Duration period, boolean detail, PrintStream out) {
        this.runtime = runtime;
        this.periodNanos = period.toNanos();
        this.detail = detail;
        this.out = out;
        this.thread = Thread.ofPlatform().name(runtime.name() + "-schedtrace").daemon(true).unstarted(this::run);
    }

    /**
     * Starts printing {@code runtime}'s schedtrace to {@code out} every {@code period}, the
     * first time one period from now.
     *
     * @param detail print Go's scheddetail text (every P, M and goroutine) instead of the line
     * @throws IllegalArgumentException if {@code period} is not in [1 ms, 1 h]
     */
    public static SchedTracer start(RuntimeView runtime, Duration period, boolean detail, PrintStream out) {
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(out, "out");
        Duration min = Duration.ofMillis(DebugSettings.MIN_SCHEDTRACE_MILLIS);
        Duration max = Duration.ofMillis(DebugSettings.MAX_SCHEDTRACE_MILLIS);
        if (period.compareTo(min) < 0 || period.compareTo(max) > 0) {
            throw new IllegalArgumentException("schedtrace period must be in [" + min + ", " + max + "], was " + period);
        }
        SchedTracer t = new SchedTracer(runtime, period, detail, out);
        t.thread.start();
        return t;
    }

    private void run() {
        long next = System.nanoTime() + periodNanos;
        try {
            while (!stop.await(next - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                SchedTrace t = runtime.schedtrace();
                if (detail) {
                    out.print(t.detail(runtime.allGoroutines()));
                } else {
                    out.println(t.line());
                }
                out.flush();
                long now = System.nanoTime();
                next += periodNanos;
                if (next - now <= 0) {
                    next += ((now - next) / periodNanos + 1) * periodNanos;   // skip missed rounds
                }
            }
        } catch (InterruptedException e) {
            // Nobody else interrupts this private thread; treat it as a stop.
        }
    }

    /**
     * Stops printing and waits (up to 5 s, for a detailed round in progress) for the thread to
     * end. Idempotent; safe from any thread but the tracer's own.
     */
    @Override
    public void close() {
        stop.countDown();
        try {
            thread.join(JOIN_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
