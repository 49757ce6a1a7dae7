package io.goloom.sync;

import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Go's {@code sync.Once}: runs a function exactly once, however many threads ask, and makes
 * every caller wait until that one run has returned.
 *
 * <pre>{@code
 * private final Once loadConfig = new Once();
 * Config config() {
 *     loadConfig.run(() -> config = Config.load());
 *     return config;                       // the run's writes are visible here
 * }
 * }</pre>
 *
 * <p>As in Go, a function that throws still counts as the one run: later calls return at
 * once, and the exception reaches only the caller that ran it. Calling {@code run} on the same
 * {@code Once} from inside its function throws {@link IllegalStateException} (in Go it
 * deadlocks).
 */
public final class Once {

    /** Set once, after the run returned; a volatile read is the fast path. */
    private volatile boolean done;
    private final ReentrantLock lock = new ReentrantLock();

    /** Runs {@code f} if no call ran a function yet; otherwise waits for that run to end. */
    public void run(Runnable f) {
        Objects.requireNonNull(f, "f");
        if (done) {
            return;
        }
        if (lock.isHeldByCurrentThread()) {
            throw new IllegalStateException("Once.run called from inside its own function");
        }
        lock.lock();
        try {
            if (!done) {
                try {
                    f.run();
                } finally {
                    done = true;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Whether a run has finished. */
    public boolean isDone() {
        return done;
    }
}
