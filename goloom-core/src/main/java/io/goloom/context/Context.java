package io.goloom.context;

import io.goloom.chan.Chan;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Go's {@code context.Context}: a deadline, a cancellation signal and request-scoped values,
 * passed down a call tree. Derived contexts are canceled with their parent (never the other
 * way round); a {@link CancelContext} is also canceled by its own {@code cancel()} /
 * {@code close()} or deadline.
 *
 * <pre>{@code
 * try (CancelContext ctx = Context.background().withTimeout(Duration.ofMillis(200))) {
 *     Chan<Reply> reply = Chan.make(1);
 *     rt.go(() -> call(ctx, request, reply));       // call() gives up when ctx.done() closes
 *     new Select()
 *         .recv(reply, r -> use(r))
 *         .recv(ctx.done(), x -> log(ctx.err()))     // ContextException.DEADLINE_EXCEEDED
 *         .run();
 * }                                                  // close() = cancel(): releases the timer
 * }</pre>
 *
 * <p>Contexts are immutable apart from their done state, and safe to share between threads.
 * Canceling costs no goroutine or thread: a parent cancels its children directly. A deadline is
 * a timer on the calling goroutine's goloom P heap, or, outside goloom, on one shared daemon
 * timer thread; canceling the context stops it. (A goloom timer whose runtime closes before it
 * fires does not fire; such a context then reports its deadline only through {@link #err()}.)
 */
public abstract sealed class Context permits Context.Background, Context.WithValue, CancelContext {

    private static final Context BACKGROUND = new Background();

    Context() {
    }

    /** The root: never canceled, no deadline, no values (Go's {@code context.Background()}). */
    public static Context background() {
        return BACKGROUND;
    }

    /**
     * A channel closed when this context is done, for {@link io.goloom.chan.Select} and
     * {@code receive()}; {@link Chan#nil()} for a context that can never be done.
     */
    public abstract Chan<Void> done();

    /**
     * Null while not done; then {@link ContextException#CANCELED} or
     * {@link ContextException#DEADLINE_EXCEEDED}, for good.
     */
    public abstract ContextException err();

    /** When this context will be done by itself at the latest, if it has a deadline. */
    public abstract Optional<Instant> deadline();

    /** The value bound to {@code key} here or in an ancestor, the nearest one; null when none. */
    public abstract <V> V value(Key<V> key);

    /** Blocks until this context is done; then {@link #err()} says why. */
    public void await() throws InterruptedException {
        done().receive();
    }

    /** A child canceled by its {@code cancel()} or with this context (Go's {@code WithCancel}). */
    public CancelContext withCancel() {
        return new CancelContext(this, null, 0);
    }

    /**
     * A child that is also canceled {@code timeout} from now (Go's {@code WithTimeout}).
     *
     * @throws NullPointerException if {@code timeout} is null
     */
    public CancelContext withTimeout(Duration timeout) {
        long nanos;
        try {
            nanos = timeout.toNanos();
        } catch (ArithmeticException e) {
            nanos = timeout.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        Instant at;
        try {
            at = Instant.now().plus(timeout);
        } catch (ArithmeticException | DateTimeException e) {
            at = timeout.isNegative() ? Instant.MIN : Instant.MAX;    // beyond Instant's range
        }
        return withDeadlineIn(at, nanos);
    }

    /** A child that is also canceled at {@code at} (Go's {@code WithDeadline}); now or earlier: done at once. */
    public CancelContext withDeadline(Instant at) {
        Instant now = Instant.now();
        long nanos;
        try {
            nanos = Duration.between(now, at).toNanos();
        } catch (ArithmeticException e) {
            nanos = at.isBefore(now) ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return withDeadlineIn(at, nanos);
    }

    private CancelContext withDeadlineIn(Instant at, long nanos) {
        Optional<Instant> mine = deadline();
        if (mine.isPresent() && !mine.get().isAfter(at)) {
            return new CancelContext(this, null, 0);      // the parent's deadline comes first
        }
        return new CancelContext(this, at, nanos);
    }

    /**
     * A child carrying {@code value} under {@code key} (Go's {@code WithValue}), for
     * request-scoped data crossing API boundaries, not for optional parameters.
     *
     * @throws NullPointerException if {@code key} is null
     */
    public <V> Context withValue(Key<V> key, V value) {
        return new WithValue(this, Objects.requireNonNull(key, "key"), value);
    }

    /**
     * A typed key for {@link #withValue}; identity is what matters, the name is for
     * {@code toString}.
     *
     * <pre>{@code
     * static final Context.Key<String> REQUEST_ID = new Context.Key<>("requestId");
     * }</pre>
     */
    public static final class Key<V> {
        private final String name;

        public Key(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** The nearest ancestor-or-self that can be canceled, or null (only background above). */
    abstract CancelContext cancelable();

    static final class Background extends Context {
        @Override
        public Chan<Void> done() {
            return Chan.nil();
        }

        @Override
        public ContextException err() {
            return null;
        }

        @Override
        public Optional<Instant> deadline() {
            return Optional.empty();
        }

        @Override
        public <V> V value(Key<V> key) {
            return null;
        }

        @Override
        CancelContext cancelable() {
            return null;
        }

        @Override
        public String toString() {
            return "context.Background";
        }
    }

    static final class WithValue extends Context {
        private final Context parent;
        private final Key<?> key;
        private final Object value;

        WithValue(Context parent, Key<?> key, Object value) {
            this.parent = parent;
            this.key = key;
            this.value = value;
        }

        @Override
        public Chan<Void> done() {
            return parent.done();
        }

        @Override
        public ContextException err() {
            return parent.err();
        }

        @Override
        public Optional<Instant> deadline() {
            return parent.deadline();
        }

        @Override
        @SuppressWarnings("unchecked")
        public <V> V value(Key<V> k) {
            for (Context c = this; ; ) {
                if (c instanceof WithValue w) {
                    if (w.key == k) {
                        return (V) w.value;
                    }
                    c = w.parent;
                } else if (c instanceof CancelContext cc) {
                    c = cc.parent;
                } else {
                    return null;
                }
            }
        }

        @Override
        CancelContext cancelable() {
            return parent.cancelable();
        }

        @Override
        public String toString() {
            return parent + ".WithValue(" + key + ")";
        }
    }
}
