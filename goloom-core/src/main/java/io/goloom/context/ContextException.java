package io.goloom.context;

import java.util.concurrent.CancellationException;

/**
 * Why a {@link Context} is done: {@link #CANCELED} or {@link #DEADLINE_EXCEEDED}, Go's
 * {@code context.Canceled} and {@code context.DeadlineExceeded}. Compare with {@code ==}; the two
 * instances are shared and carry no stack trace. Being a {@link CancellationException}, either
 * can be thrown as is by code that gives up because its context is done.
 *
 * <pre>{@code
 * if (ctx.err() != null) {
 *     throw ctx.err();
 * }
 * }</pre>
 */
public final class ContextException extends CancellationException {

    private static final long serialVersionUID = 1L;

    /** The context was canceled. */
    public static final ContextException CANCELED = new ContextException("context canceled");

    /** The context's deadline passed. */
    public static final ContextException DEADLINE_EXCEEDED = new ContextException("context deadline exceeded");

    private ContextException(String message) {
        super(message);
    }

    /** Shared instances: a stack trace would name whoever first made them. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }

    /** The shared instance, so that {@code ==} keeps holding after deserialization. */
    private Object readResolve() {
        return getMessage().equals(CANCELED.getMessage()) ? CANCELED : DEADLINE_EXCEEDED;
    }
}
