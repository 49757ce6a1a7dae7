package io.goloom.chan;

/**
 * One case of a blocked operation, queued on one channel (Go's {@code sudog}). All fields
 * except the immutable ones are guarded by the lock of {@link #chan}, except {@link #elem} and
 * {@link #closed}, which a waker writes before it wins the {@link #waiter} and the waiter reads
 * after (see {@link Waiter}).
 */
final class Sudog {

    final Waiter waiter;
    final int caseIndex;
    final Chan<?> chan;
    final boolean isSend;

    /** A sender's value (set before it is queued), or the value a receiver was handed. */
    Object elem;

    /** Woken by {@code close()}, not by a peer. */
    boolean closed;

    /** Links of the channel's queue; {@code queued} while linked. Guarded by the chan lock. */
    Sudog prev, next;
    boolean queued;

    Sudog(Waiter waiter, int caseIndex, Chan<?> chan, boolean isSend, Object elem) {
        this.waiter = waiter;
        this.caseIndex = caseIndex;
        this.chan = chan;
        this.isSend = isSend;
        this.elem = elem;
    }
}
