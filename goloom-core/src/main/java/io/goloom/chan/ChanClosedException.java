package io.goloom.chan;

/**
 * A send on a closed channel, or a second close (Go's panics {@code "send on closed channel"}
 * and {@code "close of closed channel"}). A programming error, as in Go: only the sending side
 * should close a channel, once.
 */
public final class ChanClosedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    ChanClosedException(String message) {
        super(message);
    }
}
