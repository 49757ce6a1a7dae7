package io.goloom.chan;

import io.goloom.sched.Current;
import io.goloom.WaitReason;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Go's {@code select}: waits until one of several channel operations can proceed, performs
 * exactly that one, and runs its handler. Cases are added once and the select can be run many
 * times (allocation-free while a case is ready); a {@code Select} is used by one thread at a time.
 *
 * <pre>{@code
 * Select s = new Select()
 *     .recv(requests, r -> serve(r))                       // r is null once requests is closed
 *     .send(results, next, () -> next = produce())         // the value is fixed when the case is added
 *     .recv(ctx.done(), x -> stop = true)
 *     .timeout(Duration.ofSeconds(1), () -> idleTick());
 * while (!stop) {
 *     s.run();
 * }
 * }</pre>
 *
 * <p><b>Semantics</b> are Go's: when several cases are ready one is chosen uniformly at random
 * (so no channel starves another); {@link Chan#nil()} cases are never ready; a receive case on
 * a closed, drained channel is ready and gets {@code null}; a send case on a closed channel
 * throws {@link ChanClosedException} when it is chosen or found closed; with an
 * {@link #otherwise(Runnable) otherwise} case (Go's {@code default}) {@link #run()} never
 * blocks; with a {@link #timeout timeout} it blocks at most that long (Go's
 * {@code case <-time.After(d)}). Nothing is left queued on the channels of the cases that lost.
 *
 * <p><b>Implementation</b> (Go's {@code selectgo}): one of the cases whose channel looks ready
 * (read without locks) is chosen uniformly, re-checked under its channel's lock alone and
 * performed. Otherwise lock every channel in a fixed order, poll in a random order, and if
 * none is ready (and there is no default) queue one {@link Sudog} per case, all sharing one
 * {@link Waiter}, unlock and park; the first peer to win the waiter decides the case, and the
 * select then unlinks its other sudogs.
 */
public final class Select {

    private static final int NONE = -1;
    /** What {@link #attemptLocked} did. */
    private static final int NOT_READY = 0, DONE = 1, SEND_ON_CLOSED = 2;

    // Channel cases, in the order added. A case's index (what run() returns) is caseIndex[i].
    private Chan<?>[] chans = new Chan<?>[4];
    private boolean[] isSend = new boolean[4];
    private Object[] values = new Object[4];
    private Object[] handlers = new Object[4];
    private int[] caseIndex = new int[4];
    private int n;
    private int cases;

    private int timeoutIndex = NONE;
    private long timeoutNanos;
    private Runnable onTimeout;
    private int defaultIndex = NONE;
    private Runnable onDefault;

    /** The distinct non-nil channels by id: the lock order; null when cases changed. */
    private Chan<?>[] lockOrder;
    /** Scratch for the poll order. */
    private int[] order = new int[4];
    /** What the proceeding receive case got, from attemptLocked to its handler. */
    private Object received;

    /** A select with no cases yet. */
    public Select() {
    }

    /**
     * Adds a receive case. {@code onValue} (may be null) gets the value, or {@code null} when
     * the channel is closed and drained (Go's {@code case v, ok := <-ch} with {@code !ok}).
     */
    public <T> Select recv(Chan<T> ch, Consumer<? super T> onValue) {
        return add(ch, false, null, onValue);
    }

    /**
     * Adds a send case of {@code value}; {@code onSent} (may be null) runs after it was sent.
     *
     * @throws NullPointerException if {@code value} is null
     */
    public <T> Select send(Chan<T> ch, T value, Runnable onSent) {
        return add(ch, true, Objects.requireNonNull(value, "Chan does not accept null elements"), onSent);
    }

    /**
     * Adds a timeout case: it is chosen when no other case became ready within {@code d} of
     * {@link #run()}'s start. Zero or negative: chosen when no case is ready at once.
     *
     * @throws IllegalStateException if a timeout case was already added
     */
    public Select timeout(Duration d, Runnable onTimeout) {
        if (timeoutIndex != NONE) {
            throw new IllegalStateException("Select already has a timeout case (index " + timeoutIndex + ")");
        }
        long nanos;
        try {
            nanos = d.toNanos();
        } catch (ArithmeticException e) {
            nanos = Long.MAX_VALUE;          // centuries: the same as none in practice
        }
        this.timeoutNanos = nanos;
        this.onTimeout = onTimeout;
        this.timeoutIndex = cases++;
        return this;
    }

    /**
     * Adds Go's {@code default} case: chosen when no other case is ready, so {@link #run()}
     * never blocks.
     *
     * @throws IllegalStateException if a default case was already added
     */
    public Select otherwise(Runnable onDefault) {
        if (defaultIndex != NONE) {
            throw new IllegalStateException("Select already has a default case (index " + defaultIndex + ")");
        }
        this.onDefault = onDefault;
        this.defaultIndex = cases++;
        return this;
    }

    private Select add(Chan<?> ch, boolean send, Object value, Object handler) {
        Objects.requireNonNull(ch, "ch (use Chan.nil() for a case that is never ready)");
        if (n == chans.length) {
            int len = n * 2;
            chans = Arrays.copyOf(chans, len);
            isSend = Arrays.copyOf(isSend, len);
            values = Arrays.copyOf(values, len);
            handlers = Arrays.copyOf(handlers, len);
            caseIndex = Arrays.copyOf(caseIndex, len);
            order = new int[len];
        }
        chans[n] = ch;
        isSend[n] = send;
        values[n] = value;
        handlers[n] = handler;
        caseIndex[n] = cases++;
        n++;
        lockOrder = null;
        return this;
    }

    /**
     * Blocks until one case proceeds (or the timeout passes), performs it, runs its handler and
     * returns its index: the order in which cases were added, counting timeout and default.
     * A select without cases blocks until interrupted, as Go's empty {@code select {}}.
     *
     * @throws ChanClosedException if a send case's channel is closed
     * @throws InterruptedException if interrupted while blocked; no case proceeded
     */
    public int run() throws InterruptedException {
        Current.checkpoint();
        int pick = pickLooksReady();
        if (pick != NONE) {
            Chan<?> ch = chans[pick];
            ch.lock();
            int r = attemptLocked(pick);
            Sudog w = ch.takeWake();
            ch.unlock();
            if (r != NOT_READY) {
                return proceeded(pick, r, w);
            }
        }
        int m = shufflePollOrder();
        Chan<?>[] locks = lockOrder();
        lockAll(locks);
        for (int k = 0; k < m; k++) {
            int c = order[k];
            int r = attemptLocked(c);
            if (r != NOT_READY) {
                Sudog w = chans[c].takeWake();
                unlockAll(locks);
                return proceeded(c, r, w);
            }
        }
        if (defaultIndex != NONE || (timeoutIndex != NONE && timeoutNanos <= 0)) {
            unlockAll(locks);
            return defaultIndex != NONE ? chosen(defaultIndex, onDefault) : chosen(timeoutIndex, onTimeout);
        }
        return block(m, locks);
    }

    /** Case {@code c}'s operation if it can proceed now; its channel is locked. A received value goes to {@link #received}. */
    private int attemptLocked(int c) {
        Chan<?> ch = chans[c];
        if (isSend[c]) {
            if (ch.closedLocked()) {
                return SEND_ON_CLOSED;
            }
            return ch.sendLocked(values[c]) ? DONE : NOT_READY;
        }
        Object v = ch.recvLocked();
        if (v == null) {
            return NOT_READY;
        }
        received = v == Chan.CLOSED ? null : v;
        return DONE;
    }

    /** After unlocking: wakes the matched peer and runs the case's handler, or throws for a send on a closed channel. */
    private int proceeded(int c, int result, Sudog peer) {
        if (result == SEND_ON_CLOSED) {
            throw new ChanClosedException("send on closed channel");
        }
        Chan.wake(peer);
        Object v = received;
        received = null;
        return completed(c, v);
    }

    /** Nothing ready: queue a sudog per case (the locks are held), park, then clean up. */
    private int block(int m, Chan<?>[] locks) throws InterruptedException {
        Waiter me = new Waiter(Thread.currentThread(), WaitReason.SELECT);
        Sudog[] sudogs = new Sudog[n];
        for (int k = 0; k < m; k++) {
            int c = order[k];
            Sudog s = new Sudog(me, c, chans[c], isSend[c], values[c]);
            sudogs[c] = s;
            (isSend[c] ? s.chan.sendq : s.chan.recvq).enqueue(s);
        }
        unlockAll(locks);
        int won;
        InterruptedException interrupted = null;
        try {
            won = me.await(this, timeoutIndex != NONE ? timeoutNanos : -1);
        } catch (InterruptedException e) {
            won = Waiter.CANCELLED;
            interrupted = e;
        }
        lockAll(locks);
        for (Sudog s : sudogs) {
            if (s != null && s.caseIndex != won) {
                (s.isSend ? s.chan.sendq : s.chan.recvq).remove(s);
            }
        }
        unlockAll(locks);
        if (interrupted != null) {
            throw interrupted;
        }
        if (won == Waiter.CANCELLED) {
            return chosen(timeoutIndex, onTimeout);
        }
        Sudog s = sudogs[won];
        if (s.isSend && s.closed) {
            throw new ChanClosedException("send on closed channel");
        }
        return completed(won, s.isSend || s.closed ? null : s.elem);
    }

    @SuppressWarnings("unchecked")
    private int completed(int c, Object received) {
        Object h = handlers[c];
        if (h != null) {
            if (isSend[c]) {
                ((Runnable) h).run();
            } else {
                ((Consumer<Object>) h).accept(received);
            }
        }
        return caseIndex[c];
    }

    private static int chosen(int index, Runnable handler) {
        if (handler != null) {
            handler.run();
        }
        return index;
    }

    /**
     * The fast path's case: one chosen uniformly (reservoir sampling) among the cases whose
     * channel looks ready, read without locks; {@link #NONE} when none does. Go locks every
     * channel to poll; a choice among the cases ready at this poll is as uniform, and a case
     * that is no longer ready when locked sends the caller to the locked path.
     */
    private int pickLooksReady() {
        int pick = NONE;
        int seen = 0;
        long bits = 0;
        int draws = 0;
        for (int c = 0; c < n; c++) {
            Chan<?> ch = chans[c];
            if (ch.isNil() || !(isSend[c] ? ch.maySend() : ch.mayReceive())) {
                continue;
            }
            if (++seen == 1) {
                pick = c;
                continue;
            }
            if (draws == 0) {
                bits = ThreadLocalRandom.current().nextLong();
                draws = 2;
            }
            // Lemire's multiply-shift: 32 random bits to [0, seen); keep c with probability 1/seen.
            if ((((bits & 0xFFFF_FFFFL) * seen) >>> 32) == 0) {
                pick = c;
            }
            bits >>>= 32;
            draws--;
        }
        return pick;
    }

    /** Fills {@link #order} with the non-nil cases in a uniformly random order; returns how many. */
    private int shufflePollOrder() {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        int m = 0;
        for (int c = 0; c < n; c++) {
            if (chans[c].isNil()) {
                continue;
            }
            // Inside-out Fisher-Yates, as Go's selectgo.
            int j = rnd.nextInt(m + 1);
            order[m] = order[j];
            order[j] = c;
            m++;
        }
        return m;
    }

    private Chan<?>[] lockOrder() {
        Chan<?>[] lo = lockOrder;
        if (lo == null) {
            lo = Arrays.stream(chans, 0, n)
                    .filter(ch -> !ch.isNil())
                    .distinct()
                    .sorted((a, b) -> Long.compare(a.id, b.id))
                    .toArray(Chan<?>[]::new);
            lockOrder = lo;
        }
        return lo;
    }

    private static void lockAll(Chan<?>[] locks) {
        for (Chan<?> ch : locks) {
            ch.lock();
        }
    }

    private static void unlockAll(Chan<?>[] locks) {
        for (int i = locks.length - 1; i >= 0; i--) {
            locks[i].unlock();
        }
    }
}
