package io.goloom.sched;

/**
 * The global run queue (Go's {@code sched.runq}, a {@code gQueue}): a FIFO list of runnable
 * goroutines linked through {@link G#schedlink}, for work that has no P of its own — readied
 * from outside the runtime, yielded ({@code Go.yield}, preemption), or moved off a full local
 * queue in batches.
 *
 * <p>Every method but {@link #size()} is called with the scheduler's lock held (the lock also
 * guards the idle lists, which is what makes "Spinning Ms" in {@link Idle} lose no wake-up:
 * an M checks this queue and puts its P on the idle list in one critical section). Each
 * asserts it. {@link #size()} is a volatile read anywhere, so that the schedule loop skips an
 * empty queue without the lock; a stale value only costs a look or delays one by a loop.
 */
final class GlobalQueue {

    private final Object lock;
    /** Guarded by lock. */
    private G head, tail;
    /** Length: written under lock, read anywhere (volatile). */
    private volatile int size;

    GlobalQueue(Object lock) {
        this.lock = lock;
    }

    /** Racy length: see the class comment. Any thread. */
    int size() {
        return size;
    }

    /** Appends {@code g}. Caller holds the lock. */
    void put(G g) {
        assert Thread.holdsLock(lock);
        g.schedlink = null;
        link(g, g, 1);
    }

    /**
     * Appends {@code batch[0..n)} in order, as one list, and clears those slots. Caller holds the
     * lock and owns the batch array.
     */
    void putBatch(G[] batch, int n) {
        assert Thread.holdsLock(lock);
        for (int i = 0; i < n - 1; i++) {
            batch[i].schedlink = batch[i + 1];
        }
        G last = batch[n - 1];
        last.schedlink = null;
        link(batch[0], last, n);
        java.util.Arrays.fill(batch, 0, n, null);
    }

    private void link(G first, G last, int n) {
        if (tail == null) {
            head = first;
        } else {
            tail.schedlink = first;
        }
        tail = last;
        size += n;
    }

    /** Takes the head, or null if empty. Caller holds the lock. */
    G pop() {
        assert Thread.holdsLock(lock);
        if (head == null) {
            return null;
        }
        size--;
        return unlinkHead();
    }

    /** Unlinks the head, which exists, leaving {@link #size} to the caller. */
    private G unlinkHead() {
        G g = head;
        head = g.schedlink;
        if (head == null) {
            tail = null;
        }
        g.schedlink = null;
        return g;
    }

    /**
     * Takes a batch for {@code pp} (Go's {@code globrunqget}): its fair share
     * {@code size/procs + 1}, at most {@code max} when positive and at most half a local queue.
     * Returns one goroutine and puts the rest on {@code pp}'s local queue, or null if empty.
     * Caller holds the lock and {@code pp}.
     */
    G get(P pp, int procs, int max) {
        assert Thread.holdsLock(lock);
        int len = size;
        if (len == 0) {
            return null;
        }
        int n = Math.min(len, len / procs + 1);
        if (max > 0 && n > max) {
            n = max;
        }
        n = Math.min(n, pp.runq.capacity() / 2);
        size = len - n;   // one volatile write for the batch
        pp.count(P.C_GLOBAL_GRABS, n);
        G g = unlinkHead();
        for (int i = 1; i < n; i++) {
            pp.runqputTail(unlinkHead());
        }
        return g;
    }
}
