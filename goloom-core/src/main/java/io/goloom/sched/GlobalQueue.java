package io.goloom.sched;

/**
 * The global run queue (Go's {@code sched.runq}, a {@code gQueue}): FIFO lists of runnable
 * goroutines linked through {@link G#schedlink}, for work that has no P of its own — readied
 * from outside the runtime, yielded ({@code Go.yield}, preemption), or moved off a full local
 * queue in batches.
 *
 * <p>It has two lanes. The <b>normal</b> lane is Go's global queue. The <b>bulk</b> lane holds
 * goroutines preempted under the fair policy ({@code SchedulingPolicy.fair()}): the schedule
 * loop takes from it after every other source, and first when it has waited a
 * {@code bulkTurn} since its last turn ({@link #bulkTurnSince}). Every policy serves both lanes,
 * so a goroutine left in the bulk lane by a policy swapped out still runs. {@link #size()}
 * counts both, so that every "is there work?" check (idling a P, handing one off, closing)
 * sees the bulk lane too.
 *
 * <p>Every method but {@link #size()}, {@link #normalSize()}, {@link #bulkSize()} and
 * {@link #bulkTurnSince()} is called with the scheduler's lock held (the lock also guards the
 * idle lists, which is what makes "Spinning Ms" in {@link Idle} lose no wake-up: an M checks
 * this queue and puts its P on the idle list in one critical section). Each asserts it. Those
 * four are volatile reads anywhere, so that the schedule loop skips an empty lane without the
 * lock; a stale value only costs a look or delays one by a loop.
 */
final class GlobalQueue {

    private final Object lock;
    /** The normal lane. Guarded by lock. */
    private G head, tail;
    /** The bulk lane. Guarded by lock. */
    private G bulkHead, bulkTail;
    /** Length of the normal lane: written under lock, read anywhere (volatile). */
    private volatile int normalSize;
    /** Length of the bulk lane: written under lock, read anywhere (volatile). */
    private volatile int bulkSize;
    /**
     * When the bulk lane last had a turn, or became non-empty if that came later (the coarse
     * clock, {@link Scheduler#coarseNanos}). Written under lock, read anywhere (volatile).
     */
    private volatile long bulkTurnSince;

    GlobalQueue(Object lock) {
        this.lock = lock;
    }

    /** Racy length of both lanes: see the class comment. Any thread. */
    int size() {
        return normalSize + bulkSize;
    }

    /** Racy length of the normal lane (one volatile read: the schedule loop's check). Any thread. */
    int normalSize() {
        return normalSize;
    }

    /** Racy length of the bulk lane. Any thread. */
    int bulkSize() {
        return bulkSize;
    }

    /** Racy: when the bulk lane last had a turn (see the field). Meaningful while it is not empty. Any thread. */
    long bulkTurnSince() {
        return bulkTurnSince;
    }

    /** Appends {@code g} to the bulk lane; {@code now} is the coarse clock. Caller holds the lock. */
    void putBulk(G g, long now) {
        assert Thread.holdsLock(lock);
        g.schedlink = null;
        if (bulkTail == null) {
            bulkHead = g;
            bulkTurnSince = now;
        } else {
            bulkTail.schedlink = g;
        }
        bulkTail = g;
        bulkSize++;
    }

    /** Takes the bulk lane's head, or null if it is empty; {@code now} is the coarse clock. Caller holds the lock. */
    G getBulk(long now) {
        assert Thread.holdsLock(lock);
        G g = bulkHead;
        if (g == null) {
            return null;
        }
        bulkHead = g.schedlink;
        if (bulkHead == null) {
            bulkTail = null;
        }
        g.schedlink = null;
        bulkSize--;
        bulkTurnSince = now;
        return g;
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
        normalSize += n;
    }

    /** Takes the normal lane's head, else the bulk lane's, or null if both are empty (for draining at close). Caller holds the lock. */
    G pop() {
        assert Thread.holdsLock(lock);
        if (head == null) {
            return getBulk(bulkTurnSince);   // draining: the turn's clock no longer matters
        }
        normalSize--;
        return unlinkHead();
    }

    /** Unlinks the head, which exists, leaving {@link #normalSize} to the caller. */
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
     * Takes a batch of the normal lane for {@code pp} (Go's {@code globrunqget}): its fair share
     * {@code normalSize/procs + 1}, at most {@code max} when positive and at most half a local queue.
     * Returns one goroutine and puts the rest on {@code pp}'s local queue, or null if the normal
     * lane is empty. Caller holds the lock and {@code pp}.
     */
    G get(P pp, int procs, int max) {
        assert Thread.holdsLock(lock);
        int len = normalSize;
        if (len == 0) {
            return null;
        }
        int n = Math.min(len, len / procs + 1);
        if (max > 0 && n > max) {
            n = max;
        }
        n = Math.min(n, pp.runq.capacity() / 2);
        normalSize = len - n;   // one volatile write for the batch
        pp.count(P.C_GLOBAL_GRABS, n);
        G g = unlinkHead();
        for (int i = 1; i < n; i++) {
            pp.runqputTail(unlinkHead());
        }
        return g;
    }
}
