package io.goloom.sched;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The in-order part of a {@link TimerHeap}: a growable ring of entries {@code (when, timer,
 * seq)} whose whens never decrease from head to tail. Sleeps and timeouts of one length,
 * armed one after another on a P, arrive in due order, so most entries go here: adding and
 * removing cost O(1) and walk memory in order, where the heap costs a sift through entries
 * that thousands of sleepers have scattered over the cache. Guarded by its heap's lock.
 */
final class TimerLane {

    private static final int INITIAL_CAPACITY = 16;

    /** Slot i's when at {@code 2i}, seq at {@code 2i+1}; slot i is entry {@code index & mask}. */
    private long[] keys = new long[2 * INITIAL_CAPACITY];
    private Timer[] timers = new Timer[INITIAL_CAPACITY];
    /** Free-running indices of the first entry and one past the last. */
    private int head, tail;

    int size() {
        return tail - head;
    }

    boolean isEmpty() {
        return head == tail;
    }

    /** Whether an entry due at {@code when} keeps the lane in order. */
    boolean accepts(long when) {
        return head == tail || when - keys[2 * slot(tail - 1)] >= 0;
    }

    void add(long when, Timer t, long seq) {
        if (tail - head == timers.length) {
            resize(timers.length * 2);
        }
        int i = slot(tail++);
        keys[2 * i] = when;
        keys[2 * i + 1] = seq;
        timers[i] = t;
    }

    long headWhen() {
        return keys[2 * slot(head)];
    }

    long headSeq() {
        return keys[2 * slot(head) + 1];
    }

    Timer headTimer() {
        return timers[slot(head)];
    }

    void removeHead() {
        timers[slot(head++)] = null;
        if (timers.length > INITIAL_CAPACITY && tail - head < timers.length / 4) {
            resize(timers.length / 2);
        }
    }

    /** Passes each entry that is its timer's pending arming on heap {@code heapId} to {@code action}. */
    void forEachLive(int heapId, Consumer<Timer> action) {
        for (int k = head; k != tail; k++) {
            int i = slot(k);
            if (timers[i].isLive(keys[2 * i + 1], heapId)) {
                action.accept(timers[i]);
            }
        }
    }

    /**
     * Removes the entries that are no longer their timer's pending arming on heap
     * {@code heapId}, keeping the order.
     */
    void sweep(int heapId) {
        int n = tail - head, live = 0;
        for (int k = 0; k < n; k++) {
            int i = slot(head + k);
            if (timers[i].isLive(keys[2 * i + 1], heapId)) {
                int j = slot(head + live++);
                keys[2 * j] = keys[2 * i];
                keys[2 * j + 1] = keys[2 * i + 1];
                timers[j] = timers[i];
            }
        }
        for (int k = live; k < n; k++) {
            timers[slot(head + k)] = null;
        }
        tail = head + live;
        if (timers.length > INITIAL_CAPACITY && live < timers.length / 4) {
            resize(Math.max(INITIAL_CAPACITY, timers.length / 2));
        }
    }

    private int slot(int index) {
        return index & (timers.length - 1);
    }

    /** Copies the entries, in order, to the front of arrays of {@code capacity} (a power of two). */
    private void resize(int capacity) {
        int n = tail - head;
        long[] k = new long[2 * capacity];
        Timer[] t = new Timer[capacity];
        for (int m = 0; m < n; m++) {
            int i = slot(head + m);
            k[2 * m] = keys[2 * i];
            k[2 * m + 1] = keys[2 * i + 1];
            t[m] = timers[i];
        }
        keys = k;
        timers = t;
        head = 0;
        tail = n;
    }
}
