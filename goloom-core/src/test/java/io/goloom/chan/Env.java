package io.goloom.chan;

import io.goloom.GoRuntime;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Where a test's threads run: goroutines of a goloom runtime, virtual threads of the JDK's
 * default scheduler, or platform threads. The channel, context and sync tests run their
 * bodies through one of these, so the same check covers all three.
 *
 * <p>Every thread started by {@link #go} is tracked: its first failure fails the test (at
 * {@link #run} or {@link #close}), and {@link #close} interrupts the ones still blocked (the
 * endless generators of the Go programs) before it closes the runtime.
 */
public final class Env implements AutoCloseable {

    /** The three schedulers. */
    public enum Kind { GOLOOM, VIRTUAL, PLATFORM }

    /** A task that may block and throw. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    private static final AtomicInteger SEQ = new AtomicInteger();

    public final Kind kind;
    /** The goloom runtime, or null for the other kinds. */
    public final GoRuntime rt;
    private final Queue<Thread> threads = new ConcurrentLinkedQueue<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean closing;

    private Env(Kind kind, int procs) {
        this.kind = kind;
        this.rt = kind == Kind.GOLOOM
                ? GoRuntime.builder().name("chantest" + SEQ.incrementAndGet()).procs(procs)
                        .shutdownTimeout(Duration.ofSeconds(5)).build()
                : null;
    }

    /** A goloom runtime with 2 Ps. */
    public static Env goloom() {
        return new Env(Kind.GOLOOM, 2);
    }

    /** A goloom runtime with {@code procs} Ps. */
    public static Env goloom(int procs) {
        return new Env(Kind.GOLOOM, procs);
    }

    public static Env of(Kind kind) {
        return new Env(kind, 2);
    }

    /** Starts {@code body} on a new thread of this kind; its exception (if any) fails the test. */
    public Thread go(Body body) {
        Runnable r = () -> {
            try {
                body.run();
            } catch (Throwable t) {
                if (!(closing && (t instanceof InterruptedException || t instanceof java.util.concurrent.CancellationException))) {
                    failure.compareAndSet(null, t);
                }
            }
        };
        Thread t = switch (kind) {
            case GOLOOM -> rt.go(r).thread();
            case VIRTUAL -> Thread.ofVirtual().start(r);
            case PLATFORM -> Thread.ofPlatform().daemon().start(r);
        };
        threads.add(t);
        return t;
    }

    /** Runs {@code body} on a thread of this kind and waits for it; fails after {@code timeout}. */
    public void run(Duration timeout, Body body) throws Exception {
        Thread t = go(body);
        if (!t.join(timeout)) {
            StringBuilder sb = new StringBuilder("timed out after " + timeout + " on " + kind);
            if (rt != null) {
                sb.append('\n').append(rt.goroutineDump());
            } else {
                for (StackTraceElement e : t.getStackTrace()) {
                    sb.append("\n\tat ").append(e);
                }
            }
            t.interrupt();
            fail(sb.toString());
        }
        rethrow();
    }

    /** Throws the first failure of a thread started here, if any. */
    public void rethrow() throws Exception {
        Throwable f = failure.getAndSet(null);     // reported once (close() would repeat it)
        if (f instanceof Exception e) {
            throw e;
        }
        if (f instanceof Error e) {
            throw e;
        }
        if (f != null) {
            throw new AssertionError(f);
        }
    }

    /** Threads started here that have not finished. */
    public int live() {
        int n = 0;
        for (Thread t : threads) {
            if (t.isAlive()) {
                n++;
            }
        }
        return n;
    }

    /** Interrupts the threads still running, joins them, closes the runtime, then fails with the first failure. */
    @Override
    public void close() {
        closing = true;
        try {
            // Passes until all have ended: a thread may start another just as it is interrupted.
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            for (boolean alive = true; alive; ) {
                alive = false;
                for (Thread t : threads) {
                    if (t.isAlive()) {
                        t.interrupt();
                        alive = true;
                    }
                }
                for (Thread t : threads) {
                    if (t.isAlive() && System.nanoTime() - deadline > 0) {
                        fail(t + " ignored its interrupts for 10 s");
                    }
                    t.join(Duration.ofMillis(10));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while closing", e);
        } finally {
            if (rt != null) {
                rt.close();
            }
        }
        Throwable f = failure.getAndSet(null);
        if (f instanceof RuntimeException e) {
            throw e;
        }
        if (f instanceof Error e) {
            throw e;
        }
        if (f != null) {
            throw new AssertionError(f);
        }
    }

    /** Polls until {@code c} holds; fails after {@code timeout}. For states without an event to wait on. */
    public static void awaitCondition(BooleanSupplier c, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + timeout + " waiting for " + what);
            }
            LockSupport.parkNanos(200_000);
        }
    }

    /** Waits until {@code t} is parked (WAITING or TIMED_WAITING), i.e. blocked in the operation under test. */
    public static void awaitBlocked(Thread t) {
        awaitCondition(() -> {
            Thread.State s = t.getState();
            if (s == Thread.State.TERMINATED) {
                fail(t + " ended instead of blocking");
            }
            return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
        }, Duration.ofSeconds(10), t + " to block");
    }
}
