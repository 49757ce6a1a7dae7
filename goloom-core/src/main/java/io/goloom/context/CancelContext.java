package io.goloom.context;

import io.goloom.Go;
import io.goloom.GoTimer;
import io.goloom.chan.Chan;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Context} that can be canceled: by {@link #cancel()} (or {@link #close()}, so that
 * try-with-resources releases it as Go's {@code defer cancel()} does), by its deadline, or with
 * its parent. Made by {@link Context#withCancel()}, {@link Context#withTimeout(Duration)} and
 * {@link Context#withDeadline(Instant)}.
 *
 * <pre>{@code
 * CancelContext ctx = parent.withCancel();
 * rt.go(() -> worker(ctx));
 * ...
 * ctx.cancel();         // worker sees ctx.done() closed and ctx.err() == ContextException.CANCELED
 * }</pre>
 *
 * <p>Canceling closes {@link #done()}, cancels every descendant, stops the deadline timer and
 * unlinks this context from its parent, so a canceled context holds no resources; canceling
 * again does nothing.
 */
public final class CancelContext extends Context implements AutoCloseable {

    /** Delays from here on (about 36 years) arm no timer. */
    private static final long NEVER = Long.MAX_VALUE >> 2;

    final Context parent;
    /** The ancestor this context registered with, or null; immutable. */
    private final CancelContext ancestor;
    private final Optional<Instant> deadline;
    private final Chan<Void> done = Chan.make();

    /** Set once, under the monitor; read without it. */
    private volatile ContextException err;

    // ---- guarded by the monitor of this ----
    /** Live children; null until the first, and again once canceled. */
    private Set<CancelContext> children;
    /** The deadline's {@link GoTimer} or {@link Future}; null when none or stopped. */
    private Object timer;

    CancelContext(Context parent, Instant at, long nanos) {
        this.parent = parent;
        this.deadline = at != null ? Optional.of(at) : parent.deadline();
        this.ancestor = parent.cancelable();
        if (ancestor != null) {
            ancestor.addChild(this);               // cancels this at once if the ancestor is done
        }
        if (at != null) {
            if (nanos <= 0) {
                cancel(true, ContextException.DEADLINE_EXCEEDED);
            } else if (nanos < NEVER) {
                synchronized (this) {
                    if (err == null) {
                        timer = arm(nanos);
                    }
                }
            }
        }
    }

    /** Cancels this context and its descendants with {@link ContextException#CANCELED}, unless already done. */
    public void cancel() {
        cancel(true, ContextException.CANCELED);
    }

    /** {@link #cancel()}: a try-with-resources block releases the context when it ends. */
    @Override
    public void close() {
        cancel();
    }

    @Override
    public Chan<Void> done() {
        return done;
    }

    @Override
    public ContextException err() {
        return err;
    }

    @Override
    public Optional<Instant> deadline() {
        return deadline;
    }

    @Override
    public <V> V value(Key<V> key) {
        return parent.value(key);
    }

    @Override
    CancelContext cancelable() {
        return this;
    }

    void cancel(boolean unlinkFromParent, ContextException why) {
        Set<CancelContext> kids;
        Object t;
        synchronized (this) {
            if (err != null) {
                return;
            }
            err = why;
            kids = children;
            children = null;
            t = timer;
            timer = null;
        }
        done.close();
        if (t instanceof GoTimer g) {
            g.stop();
        } else if (t instanceof Future<?> f) {
            f.cancel(false);
        }
        if (kids != null) {
            for (CancelContext k : kids) {
                k.cancel(false, why);
            }
        }
        if (unlinkFromParent && ancestor != null) {
            ancestor.removeChild(this);
        }
    }

    private void addChild(CancelContext child) {
        ContextException why;
        synchronized (this) {
            why = err;
            if (why == null) {
                if (children == null) {
                    children = Collections.newSetFromMap(new IdentityHashMap<>());
                }
                children.add(child);
                return;
            }
        }
        child.cancel(false, why);
    }

    private synchronized void removeChild(CancelContext child) {
        if (children != null) {
            children.remove(child);
        }
    }

    /** Inside a goroutine a timer on its P's heap; elsewhere (or its runtime closing) the shared timer thread. */
    private Object arm(long nanos) {
        Runnable expire = () -> cancel(true, ContextException.DEADLINE_EXCEEDED);
        if (Go.inGoroutine()) {
            try {
                return Go.afterFunc(Duration.ofNanos(nanos), expire);
            } catch (RejectedExecutionException closing) {
                // fall through to the shared thread
            }
        }
        return SharedTimer.EXECUTOR.schedule(expire, nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public String toString() {
        return parent + (deadline.isPresent() && !deadline.equals(parent.deadline())
                ? ".WithDeadline(" + deadline.get() + ")" : ".WithCancel")
                + (err != null ? "[" + err.getMessage() + "]" : "");
    }

    /** Deadlines of contexts made outside goloom: one daemon thread, created on first use. */
    private static final class SharedTimer {
        static final ScheduledThreadPoolExecutor EXECUTOR = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "goloom-context-deadlines");
            t.setDaemon(true);
            return t;
        });

        static {
            EXECUTOR.setRemoveOnCancelPolicy(true);     // a canceled context leaves no entry behind
        }
    }
}
