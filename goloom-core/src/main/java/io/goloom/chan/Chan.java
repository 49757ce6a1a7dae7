package io.goloom.chan;

import io.goloom.sched.Current;
import io.goloom.WaitReason;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A Go channel: unbuffered (a rendezvous: a send returns once a receiver took the value) or
 * buffered with a fixed capacity, closable by the sending side, usable in a {@link Select}.
 *
 * <pre>{@code
 * Chan<String> lines = Chan.make(64);
 * rt.go(() -> {
 *     try (var in = Files.newBufferedReader(path)) {
 *         for (String l; (l = in.readLine()) != null; ) {
 *             lines.send(l);
 *         }
 *     } catch (IOException | InterruptedException e) {
 *         log(e);
 *     } finally {
 *         lines.close();             // receivers see the rest, then the end
 *     }
 * });
 * for (String l : lines) {           // Go's for l := range lines
 *     handle(l);
 * }
 * }</pre>
 *
 * <p><b>Semantics</b> are Go's: values are received in the order they were sent; after
 * {@link #close()} buffered values are still received, then every receive returns at once with
 * the closed state; a send on a closed channel, also one already waiting when the close comes,
 * throws {@link ChanClosedException}, and so does a second close. {@link #nil()} is Go's nil
 * channel. <b>Null elements are rejected</b> ({@code NullPointerException}), so that
 * {@link #receive()} can return {@code null} for "closed and drained" (Go's
 * {@code v, ok := <-ch} with {@code ok == false}); a channel used only as a signal is a
 * {@code Chan<Void>} that is closed, or carries any constant.
 *
 * <p><b>Blocking.</b> Blocked senders and receivers park (their carrier runs other work); a
 * blocking call throws {@link InterruptedException} when interrupted before it proceeded, and
 * then has not sent or received anything. Every operation is a goloom preemption checkpoint.
 * Channels work the same inside goloom goroutines, on the JDK's default virtual-thread
 * scheduler and on platform threads.
 *
 * <p><b>Implementation</b> (Go's {@code runtime/chan.go}): a short spin lock guards a ring
 * buffer and two FIFO queues of blocked {@link Sudog}s; a sender that finds a blocked receiver
 * hands the value to it directly (and the receiver, readied by a goroutine of goloom, goes to
 * that goroutine's P's {@code runnext}). The lock is never held across a park or an unpark.
 *
 * @param <T> the element type
 */
public final class Chan<T> implements Iterable<T> {

    /** The largest capacity {@link #make(int)} accepts. */
    public static final int MAX_CAPACITY = 1 << 30;

    /** What {@link #recvLocked()} returns for "closed and drained". */
    static final Object CLOSED = new Object();

    private static final String NULL_ELEMENT =
            "Chan does not accept null elements: receive() returns null for a closed channel";

    private static final AtomicLong IDS = new AtomicLong();
    private static final Chan<?> NIL = new Chan<>(0, true);

    private static final VarHandle LOCKED, COUNT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            LOCKED = l.findVarHandle(Chan.class, "locked", int.class);
            COUNT = l.findVarHandle(Chan.class, "count", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Lock order of a {@link Select} (Go sorts by address); immutable. */
    final long id;
    private final int capacity;
    private final boolean isNil;

    // ---- guarded by the lock ----
    private final Object[] buf;     // null when unbuffered
    private int recvx, sendx;
    /** Values in {@link #buf}. Written under the lock; {@link #len()} reads it opaque (racy, as Go's len). */
    private int count;
    final WaitQueue recvq = new WaitQueue();
    final WaitQueue sendq = new WaitQueue();
    /** The peer a {@code *Locked} call matched; its caller unparks it after unlocking. */
    private Sudog toWake;

    /** Written once, under the lock; read without it by {@link #isClosed()}. */
    private volatile boolean closed;

    /** The spin lock: 0 free, 1 held. CAS to take, release store to give back. */
    private volatile int locked;

    private Chan(int capacity, boolean isNil) {
        this.id = IDS.incrementAndGet();
        this.capacity = capacity;
        this.isNil = isNil;
        this.buf = capacity > 0 ? new Object[capacity] : null;
    }

    /** An unbuffered channel: Go's {@code make(chan T)}. */
    public static <T> Chan<T> make() {
        return new Chan<>(0, false);
    }

    /**
     * A channel with room for {@code capacity} values (0: unbuffered): Go's
     * {@code make(chan T, capacity)}. The buffer is allocated at once.
     *
     * @throws IllegalArgumentException if {@code capacity} is outside {@code [0, MAX_CAPACITY]}
     */
    public static <T> Chan<T> make(int capacity) {
        if (capacity < 0 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("Chan capacity " + capacity + " is outside [0, "
                    + MAX_CAPACITY + "]");
        }
        return new Chan<>(capacity, false);
    }

    /**
     * Go's nil channel: a send or receive blocks until interrupted, a {@link Select} case on it is
     * never ready (the idiom for switching a case off), {@link #close()} throws.
     */
    @SuppressWarnings("unchecked")
    public static <T> Chan<T> nil() {
        return (Chan<T>) NIL;
    }

    // ---- the API ----

    /**
     * Sends {@code value}, waiting for a receiver (unbuffered) or for room in the buffer.
     *
     * @throws NullPointerException if {@code value} is null
     * @throws ChanClosedException if the channel is closed, or is closed while this waits
     * @throws InterruptedException if interrupted while waiting; nothing was sent
     */
    public void send(T value) throws InterruptedException {
        Objects.requireNonNull(value, NULL_ELEMENT);
        Current.checkpoint();
        if (isNil) {
            blockForever(WaitReason.CHAN_SEND);
        }
        lock();
        if (closed) {
            unlock();
            throw new ChanClosedException("send on closed channel");
        }
        if (sendLocked(value)) {
            unlockAndWake();
            return;
        }
        Sudog s = new Sudog(new Waiter(Thread.currentThread(), WaitReason.CHAN_SEND), 0, this, true, value);
        sendq.enqueue(s);
        unlock();
        park(s, sendq);
        if (s.closed) {
            throw new ChanClosedException("send on closed channel");
        }
    }

    /**
     * Sends {@code value} if a receiver is waiting or the buffer has room (Go's {@code select}
     * with one send case and a {@code default}).
     *
     * @return false when the send would block
     * @throws NullPointerException if {@code value} is null
     * @throws ChanClosedException if the channel is closed
     */
    public boolean trySend(T value) {
        Objects.requireNonNull(value, NULL_ELEMENT);
        Current.checkpoint();
        if (isNil) {
            return false;
        }
        lock();
        if (closed) {
            unlock();
            throw new ChanClosedException("send on closed channel");
        }
        boolean sent = sendLocked(value);
        unlockAndWake();
        return sent;
    }

    /**
     * Receives a value, waiting for one if none is ready.
     *
     * @return the value, or {@code null} once the channel is closed and drained
     * @throws InterruptedException if interrupted while waiting; nothing was received
     */
    @SuppressWarnings("unchecked")
    public T receive() throws InterruptedException {
        Current.checkpoint();
        if (isNil) {
            blockForever(WaitReason.CHAN_RECEIVE);
        }
        lock();
        Object v = recvLocked();
        if (v != null) {
            unlockAndWake();
            return v == CLOSED ? null : (T) v;
        }
        Sudog s = new Sudog(new Waiter(Thread.currentThread(), WaitReason.CHAN_RECEIVE), 0, this, false, null);
        recvq.enqueue(s);
        unlock();
        park(s, recvq);
        return s.closed ? null : (T) s.elem;
    }

    /**
     * Receives a value if one is ready now. Returns {@code null} both when none is ready and
     * when the channel is closed and drained; a {@link Select} with an
     * {@link Select#otherwise(Runnable) otherwise} case tells the two apart.
     */
    @SuppressWarnings("unchecked")
    public T tryReceive() {
        Current.checkpoint();
        if (isNil) {
            return null;
        }
        lock();
        Object v = recvLocked();
        unlockAndWake();
        return v == CLOSED ? null : (T) v;
    }

    /**
     * Closes the channel: blocked receivers return the closed state, blocked senders throw
     * {@link ChanClosedException}; values already buffered are still received.
     *
     * @throws ChanClosedException if it is already closed
     * @throws IllegalStateException on {@link #nil()}
     */
    public void close() {
        if (isNil) {
            throw new IllegalStateException("close of nil channel");
        }
        List<Thread> woken = new ArrayList<>();
        lock();
        if (closed) {
            unlock();
            throw new ChanClosedException("close of closed channel");
        }
        closed = true;
        recvq.closeAll(woken);
        sendq.closeAll(woken);
        unlock();
        for (Thread t : woken) {
            LockSupport.unpark(t);
        }
    }

    /** Whether {@link #close()} was called; buffered values may remain. */
    public boolean isClosed() {
        return closed;
    }

    /** Values buffered now (Go's {@code len(ch)}); a snapshot that may be stale at once. */
    public int len() {
        return (int) COUNT.getOpaque(this);
    }

    /** The capacity, 0 for unbuffered (Go's {@code cap(ch)}). */
    public int cap() {
        return capacity;
    }

    /**
     * Receives until the channel is closed and drained (Go's {@code for v := range ch}).
     * {@code hasNext()} blocks; interrupted, it re-sets the interrupt status and throws
     * {@link CancellationException}.
     */
    @Override
    public Iterator<T> iterator() {
        return new Iterator<>() {
            private T next;
            private boolean drained;

            @Override
            public boolean hasNext() {
                if (next == null && !drained) {
                    try {
                        next = receive();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new CancellationException("interrupted while receiving from " + Chan.this);
                    }
                    drained = next == null;
                }
                return next != null;
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException(Chan.this + " is closed and drained");
                }
                T v = next;
                next = null;
                return v;
            }
        };
    }

    @Override
    public String toString() {
        if (isNil) {
            return "Chan[nil]";
        }
        return "Chan[" + id + ", cap=" + capacity + ", len=" + len() + (closed ? ", closed]" : "]");
    }

    // ---- under the lock; shared with Select ----

    boolean isNil() {
        return isNil;
    }

    boolean closedLocked() {
        return closed;
    }

    /**
     * Without the lock: whether a receive might proceed now (a value buffered, a sender
     * queued, or closed). A hint for {@link Select}'s fast path, which re-checks under the lock.
     */
    boolean mayReceive() {
        return (int) COUNT.getOpaque(this) > 0 || closed || sendq.mayHaveWaiters();
    }

    /** Without the lock: whether a send might proceed (or fail) now. A hint, as {@link #mayReceive()}. */
    boolean maySend() {
        return closed || (int) COUNT.getOpaque(this) < capacity || recvq.mayHaveWaiters();
    }

    /**
     * A value received now (from a blocked sender or the buffer), {@link #CLOSED} when closed
     * and drained, or null when a receive would block. A matched sender goes to {@link #toWake}.
     */
    Object recvLocked() {
        Sudog s = sendq.isEmpty() ? null : sendq.dequeueSender();
        if (s != null) {
            toWake = s;
            if (capacity == 0) {
                return s.elem;
            }
            // The buffer is full: take its head, and the sender's value goes to its tail.
            Object v = buf[recvx];
            buf[recvx] = s.elem;
            recvx = sendx = next(recvx);
            return v;
        }
        if (count > 0) {
            Object v = buf[recvx];
            buf[recvx] = null;
            recvx = next(recvx);
            COUNT.setOpaque(this, count - 1);
            return v;
        }
        return closed ? CLOSED : null;
    }

    /**
     * Sends {@code v} now, to a blocked receiver or into the buffer; false when the send would
     * block. The caller has checked {@link #closedLocked()}. A matched receiver goes to
     * {@link #toWake}.
     */
    boolean sendLocked(Object v) {
        Sudog r = recvq.isEmpty() ? null : recvq.dequeueReceiver(v);
        if (r != null) {
            toWake = r;
            return true;
        }
        if (count < capacity) {
            buf[sendx] = v;
            sendx = next(sendx);
            COUNT.setOpaque(this, count + 1);
            return true;
        }
        return false;
    }

    /** The peer matched under the lock, to unpark once it is released; null if none. */
    Sudog takeWake() {
        Sudog s = toWake;
        toWake = null;
        return s;
    }

    private int next(int i) {
        return ++i == capacity ? 0 : i;
    }

    // ---- lock, park, wake ----

    void lock() {
        if (!LOCKED.compareAndSet(this, 0, 1)) {
            lockSlow();
        }
    }

    /**
     * Holders never park, so the wait is short, unless a platform thread holding it lost its
     * CPU: spin briefly, then yield.
     */
    private void lockSlow() {
        for (int spins = 0; ; ) {
            if (locked == 0 && LOCKED.compareAndSet(this, 0, 1)) {
                return;
            }
            if (++spins < 100) {
                Thread.onSpinWait();
            } else {
                spins = 0;
                Thread.yield();
            }
        }
    }

    void unlock() {
        LOCKED.setRelease(this, 0);
    }

    private void unlockAndWake() {
        Sudog w = takeWake();
        unlock();
        wake(w);
    }

    static void wake(Sudog s) {
        if (s != null) {
            LockSupport.unpark(s.waiter.thread);
        }
    }

    /** Waits for {@code s}'s peer; interrupted first, unlinks it and rethrows. */
    private void park(Sudog s, WaitQueue q) throws InterruptedException {
        try {
            s.waiter.await(this, -1);
        } catch (InterruptedException e) {
            lock();
            q.remove(s);
            unlock();
            throw e;
        }
    }

    private static void blockForever(WaitReason reason) throws InterruptedException {
        new Waiter(Thread.currentThread(), reason).await(NIL, -1);
        throw new AssertionError("a nil channel's waiter was woken");
    }
}
