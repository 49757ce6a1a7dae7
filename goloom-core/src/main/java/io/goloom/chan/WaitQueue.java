package io.goloom.chan;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;

/**
 * A channel's queue of blocked senders or receivers, FIFO (Go's {@code waitq}). Guarded by the
 * channel's lock. Stale sudogs (of a select that already won elsewhere, or was canceled) may
 * still be linked; the dequeue methods skip and unlink them, and the select unlinks its own.
 */
final class WaitQueue {

    private static final VarHandle FIRST;

    static {
        try {
            FIRST = MethodHandles.lookup().findVarHandle(WaitQueue.class, "first", Sudog.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Guarded by the channel lock; {@link #mayHaveWaiters()} reads {@code first} opaque without it. */
    private Sudog first, last;

    boolean isEmpty() {
        return first == null;
    }

    /** Without the lock: whether a sudog (live or stale) seems queued. A hint, re-checked under the lock. */
    boolean mayHaveWaiters() {
        return FIRST.getOpaque(this) != null;
    }

    void enqueue(Sudog s) {
        s.queued = true;
        s.next = null;
        s.prev = last;
        if (last == null) {
            first = s;
        } else {
            last.next = s;
        }
        last = s;
    }

    void remove(Sudog s) {
        if (!s.queued) {
            return;
        }
        s.queued = false;
        if (s.prev == null) {
            first = s.next;
        } else {
            s.prev.next = s.next;
        }
        if (s.next == null) {
            last = s.prev;
        } else {
            s.next.prev = s.prev;
        }
        s.prev = s.next = null;
    }

    /** The first blocked sender this caller wins, unlinked; null when none. Its elem is the value. */
    Sudog dequeueSender() {
        for (Sudog s; (s = first) != null; ) {
            remove(s);
            if (s.waiter.tryWin(s.caseIndex)) {
                return s;
            }
        }
        return null;
    }

    /** The first blocked receiver this caller wins, handed {@code value}; null when none. */
    Sudog dequeueReceiver(Object value) {
        for (Sudog s; (s = first) != null; ) {
            remove(s);
            s.elem = value;                  // before the win, which publishes it
            if (s.waiter.tryWin(s.caseIndex)) {
                return s;
            }
            s.elem = null;
        }
        return null;
    }

    /** Wins and unlinks every waiter, marking it {@code closed} (close); adds their threads to {@code woken}. */
    void closeAll(List<Thread> woken) {
        for (Sudog s; (s = first) != null; ) {
            remove(s);
            s.elem = null;
            s.closed = true;
            if (s.waiter.tryWin(s.caseIndex)) {
                woken.add(s.waiter.thread);
            }
        }
    }
}
