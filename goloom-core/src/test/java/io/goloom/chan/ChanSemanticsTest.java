package io.goloom.chan;

import io.goloom.GoRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every rule of {@link Chan} and {@link Select}, most of them on all three schedulers (goloom
 * goroutines, the JDK's default virtual-thread scheduler, platform threads).
 */
class ChanSemanticsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** How long a blocked operation is watched to make sure it stays blocked. */
    private static final long STILL_BLOCKED_MS = 50;

    private static void assertStillBlocked(Thread t, String what) throws InterruptedException {
        Env.awaitBlocked(t);
        assertFalse(t.join(Duration.ofMillis(STILL_BLOCKED_MS)), what + " did not block");
    }

    // ---- rendezvous and buffering ----

    /**
     * An unbuffered send does not return before a receiver took the value: the sender stays
     * blocked (len stays 0) until the receive, and the receive gets exactly that value.
     */
    @ParameterizedTest
    @EnumSource(Env.Kind.class)
    @Timeout(30)
    void unbufferedSendWaitsForTheReceiver(Env.Kind kind) throws Exception {
        try (Env env = Env.of(kind)) {
            env.run(WAIT, () -> {
                for (int round = 0; round < 3; round++) {
                    Chan<String> ch = Chan.make();
                    assertEquals(0, ch.cap());
                    AtomicBoolean returned = new AtomicBoolean();
                    String value = "v" + round;
                    Thread sender = env.go(() -> {
                        ch.send(value);
                        returned.set(true);
                    });
                    assertStillBlocked(sender, "an unbuffered send without a receiver");
                    assertFalse(returned.get());
                    assertEquals(0, ch.len(), "an unbuffered channel buffered a value");
                    assertSame(value, ch.receive());
                    assertTrue(sender.join(WAIT));
                    assertTrue(returned.get());
                    assertNull(ch.tryReceive(), "the value was delivered twice");
                }
                // trySend succeeds only with a receiver waiting.
                Chan<Integer> ch = Chan.make();
                assertFalse(ch.trySend(1));
                AtomicInteger got = new AtomicInteger();
                Thread receiver = env.go(() -> got.set(ch.receive()));
                Env.awaitBlocked(receiver);
                assertTrue(ch.trySend(7));
                assertTrue(receiver.join(WAIT));
                assertEquals(7, got.get());
                // tryReceive succeeds only with a sender waiting.
                assertNull(ch.tryReceive());
                Thread sender = env.go(() -> ch.send(8));
                Env.awaitBlocked(sender);
                assertEquals(8, ch.tryReceive());
                assertTrue(sender.join(WAIT));
            });
        }
    }

    /** A buffered send blocks only when the buffer is full; len and cap follow. */
    @ParameterizedTest
    @EnumSource(Env.Kind.class)
    @Timeout(30)
    void bufferedSendBlocksOnlyWhenFull(Env.Kind kind) throws Exception {
        try (Env env = Env.of(kind)) {
            env.run(WAIT, () -> {
                Chan<Integer> ch = Chan.make(3);
                assertEquals(3, ch.cap());
                for (int i = 0; i < 3; i++) {
                    assertEquals(i, ch.len());
                    ch.send(i);
                }
                assertEquals(3, ch.len());
                assertFalse(ch.trySend(99));
                Thread sender = env.go(() -> ch.send(3));
                assertStillBlocked(sender, "a send on a full channel");
                assertEquals(3, ch.len());
                assertEquals(0, ch.receive());
                assertTrue(sender.join(WAIT), "a receive did not make room for the blocked sender");
                assertEquals(3, ch.len());
                for (int i = 1; i <= 3; i++) {
                    assertEquals(i, ch.tryReceive());
                }
                assertEquals(0, ch.len());
                assertNull(ch.tryReceive());
                assertEquals(3, ch.cap());
            });
        }
    }

    /**
     * FIFO across the buffer and the blocked senders (Go's chan.go: a receive from a full buffer
     * moves the first blocked sender's value to the tail): cap 2 holding 1, 2, senders of 3 then
     * 4 blocked in that order; the receives yield 1, 2, 3, 4.
     */
    @ParameterizedTest
    @EnumSource(Env.Kind.class)
    @Timeout(30)
    void bufferThenBlockedSendersInOrder(Env.Kind kind) throws Exception {
        try (Env env = Env.of(kind)) {
            env.run(WAIT, () -> {
                Chan<Integer> ch = Chan.make(2);
                ch.send(1);
                ch.send(2);
                Thread s3 = env.go(() -> ch.send(3));
                Env.awaitBlocked(s3);
                Thread s4 = env.go(() -> ch.send(4));
                Env.awaitBlocked(s4);
                for (int i = 1; i <= 4; i++) {
                    assertEquals(i, ch.receive());
                    assertTrue(ch.len() <= 2, "len " + ch.len() + " above cap");
                }
                assertTrue(s3.join(WAIT) && s4.join(WAIT));
                assertEquals(0, ch.len());
                assertNoWaiters(ch, "after the blocked senders were served");
            });
        }
    }

    /**
     * The same channel twice in one select (two receive cases, or a receive and a send): allowed,
     * as in Go; a value wakes exactly one case, and both duplicate cases get chosen.
     */
    @ParameterizedTest
    @EnumSource(Env.Kind.class)
    @Timeout(30)
    void sameChannelTwiceInOneSelect(Env.Kind kind) throws Exception {
        try (Env env = Env.of(kind)) {
            env.run(WAIT, () -> {
                Chan<Integer> c = Chan.make(1);
                long[] counts = new long[2];
                AtomicInteger handled = new AtomicInteger();
                Select s = new Select().recv(c, v -> handled.incrementAndGet()).recv(c, v -> handled.incrementAndGet());
                for (int i = 0; i < 2_000; i++) {
                    c.send(i);
                    counts[s.run()]++;
                }
                assertEquals(2_000, handled.get());
                assertTrue(counts[0] > 800 && counts[1] > 800, () -> java.util.Arrays.toString(counts));
                // Blocked on the duplicate cases: one send wakes one case, once.
                Chan<Integer> u = Chan.make();
                for (int i = 0; i < 200; i++) {
                    AtomicInteger got = new AtomicInteger();
                    Thread t = env.go(() -> new Select().recv(u, v -> got.incrementAndGet()).recv(u, v -> got.incrementAndGet()).run());
                    Env.awaitBlocked(t);
                    u.send(i);
                    assertTrue(t.join(WAIT));
                    assertEquals(1, got.get());
                    assertNoWaiters(u, "after a select with duplicate cases");
                }
            });
        }
    }

    /**
     * Selects that block with a long timeout and are then won by a partner stop their timer:
     * on goloom the P heaps stay small after 20,000 of them (a timer left armed for an hour
     * each would pile up).
     */
    @Test
    @Timeout(60)
    void wonSelectReleasesItsTimeout() throws Exception {
        try (Env env = Env.goloom(1)) {
            int[] peak = {0};
            env.run(WAIT, () -> {
                Chan<Integer> c = Chan.make();
                env.go(() -> {
                    for (int i = 0; i < 20_000; i++) {
                        c.send(i);
                    }
                });
                Select s = new Select().recv(c, null).timeout(Duration.ofHours(1), () -> fail("timed out"));
                for (int i = 0; i < 20_000; i++) {
                    assertEquals(0, s.run());
                    if (i % 500 == 0) {
                        peak[0] = Math.max(peak[0], env.rt.procStats().stream().mapToInt(io.goloom.ProcStats::timers).sum());
                    }
                }
            });
            assertTrue(peak[0] < 1_000, "timer heap reached " + peak[0] + " entries");
        }
    }

    // ---- close ----

    /** Buffered values are still received after close, in order, then null forever. */
    @ParameterizedTest
    @EnumSource(Env.Kind.class)
    @Timeout(30)
    void bufferedValuesSurviveClose(Env.Kind kind) throws Exception {
        try (Env env = Env.of(kind)) {
            env.run(WAIT, () -> {
                Chan<Integer> ch = Chan.make(4);
                ch.send(1);
                ch.send(2);
                ch.send(3);
                assertFalse(ch.isClosed());
                ch.close();
                assertTrue(ch.isClosed());
                assertEquals(3, ch.len());
                assertEquals(1, ch.receive());
                assertEquals(2, ch.tryReceive());
                Integer[] got = {null};
                assertEquals(0, new Select().recv(ch, v -> got[0] = v).otherwise(null).run());
                assertEquals(3, got[0]);
                assertEquals(0, ch.len());
                for (int i = 0; i < 3; i++) {
                    assertNull(ch.receive());
                    assertNull(ch.tryReceive());
                }
                assertEquals(0, new Select().recv(ch, v -> got[0] = v).otherwise(null).run(),
                        "a closed channel is ready in a select");
                assertNull(got[0]);
                assertEquals(4, ch.cap());
            });
        }
    }

    /**
     * Close releases blocked receivers with null, makes blocked senders (unbuffered, and on a full
     * buffer) throw ChanClosedException without delivering, and later sends throw too.
     */
    @ParameterizedTest
    @EnumSource(Env.Kind.class)
    @Timeout(30)
    void closeWakesEveryWaiter(Env.Kind kind) throws Exception {
        try (Env env = Env.of(kind)) {
            env.run(WAIT, () -> {
                Chan<Integer> ch = Chan.make();
                int n = 8;
                AtomicInteger nulls = new AtomicInteger();
                List<Thread> receivers = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    receivers.add(env.go(() -> {
                        if (ch.receive() == null) {
                            nulls.incrementAndGet();
                        }
                    }));
                }
                for (Thread t : receivers) {
                    Env.awaitBlocked(t);
                }
                ch.close();
                for (Thread t : receivers) {
                    assertTrue(t.join(WAIT));
                }
                assertEquals(n, nulls.get());

                for (int cap : new int[] {0, 2}) {
                    Chan<Integer> c = Chan.make(cap);
                    for (int i = 0; i < cap; i++) {
                        c.send(100 + i);
                    }
                    AtomicReference<Throwable> thrown = new AtomicReference<>();
                    Thread sender = env.go(() -> {
                        try {
                            c.send(7);
                        } catch (ChanClosedException e) {
                            thrown.set(e);
                        }
                    });
                    Env.awaitBlocked(sender);
                    c.close();
                    assertTrue(sender.join(WAIT));
                    assertNotNull(thrown.get(), "a sender blocked at close did not throw (cap " + cap + ")");
                    assertEquals("send on closed channel", thrown.get().getMessage());
                    for (int i = 0; i < cap; i++) {
                        assertEquals(100 + i, c.receive());
                    }
                    assertNull(c.receive(), "the blocked sender's value was delivered after all");
                    ChanClosedException e = assertThrows(ChanClosedException.class, () -> c.send(1));
                    assertEquals("send on closed channel", e.getMessage());
                    assertThrows(ChanClosedException.class, () -> c.trySend(1));
                }
            });
        }
    }

    /** Closing twice throws; a nil channel cannot be closed; ChanClosedException is an IllegalStateException. */
    @Test
    void closeTwiceThrows() {
        Chan<Integer> ch = Chan.make(1);
        ch.close();
        ChanClosedException e = assertThrows(ChanClosedException.class, ch::close);
        assertEquals("close of closed channel", e.getMessage());
        assertTrue(e instanceof IllegalStateException);
        assertThrows(IllegalStateException.class, () -> Chan.nil().close());
        assertFalse(Chan.nil().isClosed());
    }

    // ---- argument checks ----

    /** Null elements are rejected with a message that says so, by send, trySend and a select's send case. */
    @Test
    void nullIsRejectedWithAClearMessage() {
        Chan<String> ch = Chan.make(1);
        for (org.junit.jupiter.api.function.Executable call : List.<org.junit.jupiter.api.function.Executable>of(
                () -> ch.send(null), () -> ch.trySend(null), () -> new Select().send(ch, null, null).run())) {
            NullPointerException e = assertThrows(NullPointerException.class, call);
            assertNotNull(e.getMessage());
            assertTrue(e.getMessage().toLowerCase().contains("null"), e.getMessage());
        }
        assertEquals(0, ch.len(), "a rejected null was buffered");
    }

    /** A capacity outside [0, MAX_CAPACITY] is rejected; the message names the value and the range. */
    @ParameterizedTest
    @ValueSource(ints = {-1, Integer.MIN_VALUE, Chan.MAX_CAPACITY + 1, Integer.MAX_VALUE})
    void badCapacityIsRejected(int capacity) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Chan.make(capacity));
        String m = e.getMessage();
        assertTrue(m.contains(Integer.toString(capacity)), m);
        assertTrue(m.contains("0") && m.contains(Integer.toString(Chan.MAX_CAPACITY)), m);
    }

    /** Select's builder rejects a second timeout or default case, and a null channel. */
    @Test
    void selectBuilderChecks() {
        assertThrows(IllegalStateException.class,
                () -> new Select().timeout(Duration.ofSeconds(1), null).timeout(Duration.ofSeconds(1), null));
        assertThrows(IllegalStateException.class, () -> new Select().otherwise(null).otherwise(null));
        assertThrows(NullPointerException.class, () -> new Select().recv(null, null));
    }

    // ---- nil channel ----

    /**
     * A nil channel: send, receive and a select of only nil cases block until interrupted
     * (InterruptedException, status cleared); trySend/tryReceive never succeed; in a select
     * with another case it is never chosen.
     */
    @ParameterizedTest
    @EnumSource(Env.Kind.class)
    @Timeout(30)
    void nilChannelBlocksUntilInterrupted(Env.Kind kind) throws Exception {
        try (Env env = Env.of(kind)) {
            env.run(WAIT, () -> {
                Chan<Integer> nil = Chan.nil();
                assertFalse(nil.trySend(1));
                assertNull(nil.tryReceive());
                assertEquals(0, nil.len());
                assertEquals(0, nil.cap());
                List<Env.Body> ops = List.of(
                        () -> nil.send(1),
                        nil::receive,
                        () -> new Select().recv(nil, null).send(nil, 1, null).run(),
                        () -> new Select().run());
                for (Env.Body op : ops) {
                    AtomicReference<Throwable> thrown = new AtomicReference<>();
                    AtomicBoolean statusAfter = new AtomicBoolean(true);
                    Thread t = env.go(() -> {
                        try {
                            op.run();
                        } catch (InterruptedException e) {
                            thrown.set(e);
                            statusAfter.set(Thread.currentThread().isInterrupted());
                        }
                    });
                    assertStillBlocked(t, "a nil-channel operation");
                    t.interrupt();
                    assertTrue(t.join(WAIT), "interrupt did not end a nil-channel operation");
                    assertTrue(thrown.get() instanceof InterruptedException, "threw " + thrown.get());
                    assertFalse(statusAfter.get(), "the interrupt status was left set");
                }
                Chan<Integer> ready = Chan.make(1);
                for (int i = 0; i < 1_000; i++) {
                    ready.send(i);
                    assertEquals(1, new Select().send(nil, 1, () -> fail("nil send chosen"))
                            .recv(ready, null).recv(nil, v -> fail("nil receive chosen")).run());
                }
            });
        }
    }

    // ---- timeout and default ----

    /**
     * The timeout case fires when nothing is ready within d, not before; a case that becomes ready
     * first wins; the default case is taken at once when nothing is ready, never when something is.
     */
    @ParameterizedTest
    @EnumSource(Env.Kind.class)
    @Timeout(30)
    void timeoutAndDefaultCases(Env.Kind kind) throws Exception {
        try (Env env = Env.of(kind)) {
            env.run(WAIT, () -> {
                Chan<Integer> ch = Chan.make();
                boolean[] fired = {false};
                long t0 = System.nanoTime();
                assertEquals(1, new Select().recv(ch, v -> fail()).timeout(Duration.ofMillis(30), () -> fired[0] = true).run());
                long elapsed = System.nanoTime() - t0;
                assertTrue(fired[0]);
                assertTrue(elapsed >= 30_000_000L, "timed out early: " + elapsed + " ns");
                assertTrue(elapsed < 5_000_000_000L, "timed out very late: " + elapsed + " ns");

                // A sender arriving before the timeout wins.
                Thread sender = env.go(() -> {
                    Thread.sleep(20);
                    ch.send(5);
                });
                Integer[] got = {null};
                assertEquals(0, new Select().recv(ch, v -> got[0] = v).timeout(Duration.ofSeconds(20), () -> fail("timed out")).run());
                assertEquals(5, got[0]);
                assertTrue(sender.join(WAIT));

                // A reusable select with a timeout runs many times.
                Select s = new Select().recv(ch, v -> fail()).timeout(Duration.ofMillis(1), null);
                for (int i = 0; i < 20; i++) {
                    assertEquals(1, s.run());
                }

                // Default: at once when nothing is ready, never when something is.
                t0 = System.nanoTime();
                for (int i = 0; i < 1_000; i++) {
                    assertEquals(1, new Select().recv(ch, v -> fail()).otherwise(null).run());
                }
                assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
                Chan<Integer> ready = Chan.make(1);
                ready.send(1);
                assertEquals(0, new Select().recv(ready, null).otherwise(() -> fail("default taken")).run());
                ready.send(2);
                assertEquals(1, new Select().otherwise(() -> fail("default taken")).recv(ready, null).run(),
                        "the default case's position matters");
                // Default and timeout together: default wins (nothing waits).
                assertEquals(1, new Select().recv(ch, null).otherwise(null).timeout(Duration.ofSeconds(10), () -> fail()).run());
            });
        }
    }

    // ---- handlers ----

    /** The chosen case's handler runs once, on the thread that called run(), before run() returns. */
    @ParameterizedTest
    @EnumSource(Env.Kind.class)
    @Timeout(30)
    void handlerRunsOnTheSelectingThread(Env.Kind kind) throws Exception {
        try (Env env = Env.of(kind)) {
            env.run(WAIT, () -> {
                Chan<Integer> a = Chan.make(), b = Chan.make();
                Thread me = Thread.currentThread();
                AtomicInteger runs = new AtomicInteger();
                Thread sender = env.go(() -> b.send(3));
                Env.awaitBlocked(sender);
                int chosen = new Select()
                        .recv(a, v -> fail())
                        .recv(b, v -> {
                            assertSame(me, Thread.currentThread());
                            assertEquals(3, v);
                            runs.incrementAndGet();
                        })
                        .run();
                assertEquals(1, chosen);
                assertEquals(1, runs.get());
                Thread receiver = env.go(a::receive);
                Env.awaitBlocked(receiver);
                assertEquals(0, new Select().send(a, 1, () -> {
                    assertSame(me, Thread.currentThread());
                    runs.incrementAndGet();
                }).send(b, 2, () -> fail()).run());
                assertEquals(2, runs.get());
                assertTrue(receiver.join(WAIT));
                assertTrue(sender.join(WAIT));
            });
        }
    }

    /** A select blocked on a send case throws ChanClosedException when that channel is closed; on a receive case it gets null. */
    @ParameterizedTest
    @EnumSource(Env.Kind.class)
    @Timeout(30)
    void closeWakesABlockedSelect(Env.Kind kind) throws Exception {
        try (Env env = Env.of(kind)) {
            env.run(WAIT, () -> {
                Chan<Integer> a = Chan.make(), other = Chan.make();
                AtomicReference<Object> outcome = new AtomicReference<>();
                Thread t = env.go(() -> {
                    try {
                        new Select().send(a, 1, () -> fail()).recv(other, v -> fail()).run();
                        outcome.set("returned");
                    } catch (ChanClosedException e) {
                        outcome.set(e);
                    }
                });
                Env.awaitBlocked(t);
                a.close();
                assertTrue(t.join(WAIT));
                assertTrue(outcome.get() instanceof ChanClosedException, "outcome " + outcome.get());

                Chan<Integer> b = Chan.make();
                AtomicInteger idx = new AtomicInteger(-1);
                AtomicBoolean gotNull = new AtomicBoolean();
                Thread r = env.go(() -> idx.set(new Select().recv(other, v -> fail()).recv(b, v -> gotNull.set(v == null)).run()));
                Env.awaitBlocked(r);
                b.close();
                assertTrue(r.join(WAIT));
                assertEquals(1, idx.get());
                assertTrue(gotNull.get());
                assertNull(other.tryReceive());
                assertFalse(other.trySend(1), "a finished select is still waiting on the other channel");
            });
        }
    }

    // ---- interrupts ----

    /**
     * A blocked send, receive and select throw InterruptedException with the status cleared; a
     * call made with the status already set and nothing ready throws at once; after it the
     * channel holds no trace of the interrupted operation.
     */
    @ParameterizedTest
    @EnumSource(Env.Kind.class)
    @Timeout(30)
    void interruptEndsABlockedOperation(Env.Kind kind) throws Exception {
        try (Env env = Env.of(kind)) {
            env.run(WAIT, () -> {
                for (int cap : new int[] {0, 1}) {
                    Chan<Integer> ch = Chan.make(cap);
                    if (cap == 1) {
                        ch.send(-1);    // full: a send blocks
                    }
                    List<Env.Body> sends = List.of(() -> ch.send(1), () -> new Select().send(ch, 1, null).run());
                    for (Env.Body op : sends) {
                        interruptAndCheck(env, op);
                        assertNoWaiters(ch, "after an interrupted send");
                        assertEquals(cap, ch.len());
                        if (cap == 1) {
                            assertEquals(-1, ch.tryReceive());
                            assertNull(ch.tryReceive(), "an interrupted send delivered its value");
                            ch.send(-1);
                        } else {
                            assertNull(ch.tryReceive(), "an interrupted send is still waiting");
                        }
                    }
                    Chan<Integer> empty = Chan.make(cap);
                    List<Env.Body> receives = List.of(empty::receive, () -> new Select().recv(empty, v -> fail()).run());
                    for (Env.Body op : receives) {
                        interruptAndCheck(env, op);
                        assertNoWaiters(empty, "after an interrupted receive");
                        if (cap == 0) {
                            assertFalse(empty.trySend(1), "an interrupted receive is still waiting");
                        } else {
                            assertTrue(empty.trySend(1));
                            assertEquals(1, empty.receive(), "an interrupted receive took the value");
                        }
                    }
                }
                // Status already set and nothing ready: throws at once, status cleared.
                Chan<Integer> ch = Chan.make();
                Thread.currentThread().interrupt();
                assertThrows(InterruptedException.class, ch::receive);
                assertFalse(Thread.interrupted());
                Thread.currentThread().interrupt();
                assertThrows(InterruptedException.class, () -> new Select().recv(ch, null).run());
                assertFalse(Thread.interrupted());
            });
        }
    }

    private static void interruptAndCheck(Env env, Env.Body op) throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean statusAfter = new AtomicBoolean(true);
        Thread t = env.go(() -> {
            try {
                op.run();
                thrown.set(new AssertionError("returned normally"));
            } catch (InterruptedException e) {
                thrown.set(e);
                statusAfter.set(Thread.currentThread().isInterrupted());
            }
        });
        assertStillBlocked(t, "the operation");
        t.interrupt();
        assertTrue(t.join(WAIT));
        assertTrue(thrown.get() instanceof InterruptedException, "threw " + thrown.get());
        assertFalse(statusAfter.get(), "interrupt status left set");
    }

    /**
     * Interrupts racing sends and receives lose and duplicate nothing: a sender retries each value
     * until a send returns normally, a receiver retries after an interrupt, an interrupter hits
     * both at random; every value arrives exactly once. Plain operations, selects and selects
     * with a (long) timeout take turns.
     */
    @ParameterizedTest
    @EnumSource(Env.Kind.class)
    @Timeout(60)
    void interruptsRacingTransfersLoseAndDuplicateNothing(Env.Kind kind) throws Exception {
        for (int cap : new int[] {0, 1, 8}) {
            int n = kind == Env.Kind.PLATFORM ? 5_000 : 20_000;
            AtomicIntegerArray got = new AtomicIntegerArray(n);
            AtomicInteger interrupts = new AtomicInteger();
            try (Env env = Env.of(kind)) {
                env.run(WAIT, () -> {
                    Chan<Integer> ch = Chan.make(cap);
                    // Second select cases that are never ready (distinct, or the two selects would match each other).
                    Chan<Integer> idleIn = Chan.make(), idleOut = Chan.make();
                    AtomicBoolean receiverEnded = new AtomicBoolean();
                    Thread sender = env.go(() -> {
                        for (int i = 0; i < n; i++) {
                            for (;;) {
                                try {
                                    switch (i % 3) {
                                        case 0 -> ch.send(i);
                                        case 1 -> assertEquals(0, new Select().send(ch, i, null).recv(idleIn, v -> fail()).run());
                                        default -> assertEquals(0, new Select().send(ch, i, null)
                                                .timeout(Duration.ofHours(1), () -> fail()).run());
                                    }
                                    break;
                                } catch (InterruptedException e) {
                                    if (receiverEnded.get()) {
                                        return;         // it failed: nobody will take this value
                                    }
                                    interrupts.incrementAndGet();
                                }
                            }
                        }
                    });
                    Thread receiver = env.go(() -> {
                        int[] last = {-1};
                        try {
                            for (int r = 0; r < n; ) {
                                try {
                                    int v;
                                    int[] box = {-1};
                                    switch (r % 3) {
                                        case 0 -> box[0] = ch.receive();
                                        case 1 -> assertEquals(0, new Select().recv(ch, x -> box[0] = x)
                                                .send(idleOut, 0, () -> fail()).run());
                                        default -> assertEquals(0, new Select().recv(ch, x -> box[0] = x)
                                                .timeout(Duration.ofHours(1), () -> fail()).run());
                                    }
                                    v = box[0];
                                    got.incrementAndGet(v);
                                    // One sender retrying each value until its send returns: anything
                                    // but last + 1 is a value lost (a gap) or delivered twice.
                                    assertEquals(last[0] + 1, v, v > last[0] + 1 ? "value " + (last[0] + 1) + " lost"
                                            : "value " + v + " delivered twice");
                                    last[0] = v;
                                    r++;
                                } catch (InterruptedException e) {
                                    interrupts.incrementAndGet();
                                }
                            }
                        } finally {
                            receiverEnded.set(true);
                        }
                    });
                    Thread interrupter = env.go(() -> {
                        SplittableRandom rnd = new SplittableRandom(42);
                        while (receiver.isAlive() && !Thread.currentThread().isInterrupted()) {
                            (rnd.nextBoolean() ? sender : receiver).interrupt();
                            LockSupport.parkNanos(rnd.nextInt(1_000, 20_000));
                        }
                    });
                    assertTrue(receiver.join(WAIT), "receiver stuck; received so far: " + count(got));
                    env.rethrow();          // the receiver's verdict, before waiting for a sender it may have stranded
                    assertTrue(sender.join(WAIT));
                    assertTrue(interrupter.join(WAIT));
                });
            }
            for (int i = 0; i < n; i++) {
                assertEquals(1, got.get(i), "cap " + cap + ": value " + i + " received " + got.get(i) + " times");
            }
            assertTrue(interrupts.get() > 0, "no operation was interrupted: the test tested nothing");
        }
    }

    private static int count(AtomicIntegerArray a) {
        int c = 0;
        for (int i = 0; i < a.length(); i++) {
            c += a.get(i);
        }
        return c;
    }

    // ---- no leak when a select loses ----

    /**
     * A select that loses on some channels leaves nothing behind on them: 1,000 goroutines each
     * select over a receive on {@code a} and on {@code b}, all are served through {@code a};
     * afterwards a trySend on {@code b} finds no receiver, a real receiver on {@code b} still
     * gets a later send, and the goroutine count is back where it was. The same with send
     * cases (a stale sender on {@code b} would show up as a value), and with selects that
     * timed out or were interrupted.
     */
    @ParameterizedTest
    @EnumSource(Env.Kind.class)
    @Timeout(60)
    void losingSelectLeavesNoWaiterBehind(Env.Kind kind) throws Exception {
        int n = kind == Env.Kind.PLATFORM ? 200 : 1_000;
        try (Env env = Env.of(kind)) {
            int baseline = env.rt == null ? 0 : env.rt.goroutines();
            env.run(WAIT, () -> {
                Chan<Integer> a = Chan.make(), b = Chan.make();
                List<Thread> ts = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    ts.add(env.go(() -> assertEquals(0, new Select().recv(a, null).recv(b, v -> fail()).run())));
                }
                for (int i = 0; i < n; i++) {
                    a.send(i);
                }
                joinAll(ts);
                assertNoWaiters(a, "a after the selects it served");
                assertNoWaiters(b, "b after selects lost on it");
                assertFalse(b.trySend(1), "a lost receive case stayed queued on b");
                assertFalse(a.trySend(1));
                checkStillWorks(env, b);

                ts.clear();
                for (int i = 0; i < n; i++) {
                    int v = i;
                    ts.add(env.go(() -> assertEquals(0, new Select().send(a, v, null).send(b, -1, () -> fail()).run())));
                }
                AtomicIntegerArray seen = new AtomicIntegerArray(n);
                for (int i = 0; i < n; i++) {
                    seen.incrementAndGet(a.receive());
                }
                joinAll(ts);
                assertNoWaiters(b, "b after send cases lost on it");
                assertNull(b.tryReceive(), "a lost send case stayed queued on b");
                assertNull(a.tryReceive());
                for (int i = 0; i < n; i++) {
                    assertEquals(1, seen.get(i));
                }
                checkStillWorks(env, b);

                // Timed-out selects, then interrupted ones.
                for (int i = 0; i < 200; i++) {
                    assertEquals(2, new Select().recv(b, v -> fail()).send(a, 1, () -> fail())
                            .timeout(Duration.ofNanos(1_000), null).run());
                }
                assertNoWaiters(a, "a after timed-out selects");
                assertNoWaiters(b, "b after timed-out selects");
                assertFalse(b.trySend(1), "a timed-out select stayed queued on b");
                assertNull(a.tryReceive(), "a timed-out select's send stayed queued on a");
                for (int i = 0; i < 20; i++) {
                    Thread t = env.go(() -> assertThrows(InterruptedException.class,
                            () -> new Select().recv(b, v -> fail()).send(a, 1, () -> fail()).run()));
                    Env.awaitBlocked(t);
                    t.interrupt();
                    assertTrue(t.join(WAIT));
                }
                assertNoWaiters(a, "a after interrupted selects");
                assertNoWaiters(b, "b after interrupted selects");
                assertFalse(b.trySend(1), "an interrupted select stayed queued on b");
                assertNull(a.tryReceive(), "an interrupted select's send stayed queued on a");
                checkStillWorks(env, a);
            });
            if (env.rt != null) {
                Env.awaitCondition(() -> env.rt.goroutines() == baseline, WAIT,
                        "goroutines to return to " + baseline + " (now " + env.rt.goroutines() + ")");
            }
            assertEquals(0, env.live());
        }
    }

    /**
     * White-box (the test shares the package): no sudog is left in {@code c}'s queues. A stale
     * one from a finished select would be skipped by later operations, so only this sees the leak.
     * Read after the threads involved were joined, which orders their writes before this read.
     */
    static void assertNoWaiters(Chan<?> c, String what) {
        assertTrue(c.recvq.isEmpty(), () -> "a receiver is still queued: " + what);
        assertTrue(c.sendq.isEmpty(), () -> "a sender is still queued: " + what);
    }

    private static void joinAll(List<Thread> ts) throws InterruptedException {
        for (Thread t : ts) {
            assertTrue(t.join(WAIT), t + " did not end");
        }
    }

    /** A receiver that blocks on {@code c} gets the next send (no stale waiter swallows it). */
    private static void checkStillWorks(Env env, Chan<Integer> c) throws Exception {
        AtomicInteger got = new AtomicInteger();
        Thread r = env.go(() -> got.set(c.receive()));
        Env.awaitBlocked(r);
        c.send(42);
        assertTrue(r.join(WAIT));
        assertEquals(42, got.get());
    }

    // ---- iteration ----

    /**
     * {@code for (v : ch)} receives until closed and drained; an interrupted iteration throws
     * CancellationException with the interrupt status set again.
     */
    @ParameterizedTest
    @EnumSource(Env.Kind.class)
    @Timeout(30)
    void iterationUntilClosed(Env.Kind kind) throws Exception {
        try (Env env = Env.of(kind)) {
            env.run(WAIT, () -> {
                for (int cap : new int[] {0, 1, 100}) {
                    Chan<Integer> ch = Chan.make(cap);
                    env.go(() -> {
                        for (int i = 0; i < 100; i++) {
                            ch.send(i);
                        }
                        ch.close();
                    });
                    int expected = 0;
                    for (int v : ch) {
                        assertEquals(expected++, v);
                    }
                    assertEquals(100, expected);
                    Iterator<Integer> it = ch.iterator();
                    assertFalse(it.hasNext());
                    assertFalse(it.hasNext());
                    assertThrows(java.util.NoSuchElementException.class, it::next);
                }
                // hasNext() twice receives once.
                Chan<Integer> two = Chan.make(2);
                two.send(1);
                two.send(2);
                Iterator<Integer> it = two.iterator();
                assertTrue(it.hasNext());
                assertTrue(it.hasNext());
                assertEquals(1, it.next());
                assertEquals(1, two.len(), "hasNext() twice consumed two values");
                assertEquals(2, it.next());

                Chan<Integer> never = Chan.make();
                AtomicReference<Throwable> thrown = new AtomicReference<>();
                AtomicBoolean status = new AtomicBoolean();
                Thread t = env.go(() -> {
                    try {
                        for (int v : never) {
                            fail("got " + v);
                        }
                    } catch (CancellationException e) {
                        thrown.set(e);
                        status.set(Thread.currentThread().isInterrupted());
                    }
                });
                assertStillBlocked(t, "iteration over an open channel");
                t.interrupt();
                assertTrue(t.join(WAIT));
                assertTrue(thrown.get() instanceof CancellationException, "threw " + thrown.get());
                assertTrue(status.get(), "the interrupt status was not re-set");
            });
        }
    }

    // ---- preemption ----

    /**
     * The non-blocking operations are preemption checkpoints: on one P, with hand-off (retake)
     * pushed out to an hour, a goroutine spinning on tryReceive, trySend or a select with
     * default must yield when sysmon asks, so a goroutine queued behind it runs and stops it.
     */
    @Test
    @Timeout(60)
    void nonBlockingOperationsArePreemptionCheckpoints() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().name("chanpreempt" + System.nanoTime()).procs(1)
                .retakeAfter(Duration.ofHours(1)).build()) {
            Chan<Integer> empty = Chan.make(1), full = Chan.make(1);
            assertTrue(full.trySend(0));
            Select poll = new Select().recv(empty, v -> fail()).otherwise(null);
            List<Runnable> spins = List.of(
                    empty::tryReceive,
                    () -> full.trySend(1),
                    () -> {
                        try {
                            poll.run();
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    });
            for (Runnable spin : spins) {
                AtomicBoolean stop = new AtomicBoolean();
                AtomicBoolean stoppedByOther = new AtomicBoolean();
                CountDownLatch done = new CountDownLatch(1);
                rt.go(() -> {
                    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (!stop.get() && System.nanoTime() - end < 0) {
                        spin.run();
                    }
                    stoppedByOther.set(stop.get());
                    done.countDown();
                });
                rt.go(() -> stop.set(true));
                assertTrue(done.await(WAIT.toSeconds(), TimeUnit.SECONDS));
                assertTrue(stoppedByOther.get(), "a goroutine spinning on a non-blocking channel operation was never preempted");
            }
            assertTrue(rt.procStats().getFirst().preemptions() >= spins.size(), rt.procStats()::toString);
        }
    }

    // ---- happens-before ----

    /**
     * A send happens before the matching receive completes (Go's memory model): plain fields
     * written before a send are seen after the receive, over 100,000 hand-offs.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 16})
    @Timeout(60)
    void sendHappensBeforeReceive(int cap) throws Exception {
        final class Box {
            int a, b;
        }
        int n = 100_000;
        try (Env env = Env.goloom()) {
            env.run(WAIT, () -> {
                Chan<Box> ch = Chan.make(cap);
                env.go(() -> {
                    for (int i = 0; i < n; i++) {
                        Box x = new Box();
                        x.a = i;
                        x.b = -i;
                        ch.send(x);
                    }
                });
                for (int i = 0; i < n; i++) {
                    Box x = ch.receive();
                    if (x.a != i || x.b != -i) {
                        fail("box " + i + " seen as " + x.a + "," + x.b);
                    }
                }
            });
        }
    }

    /** Many producers and consumers on one select-heavy channel set: counts add up (4 P's, 8 goroutines). */
    @Test
    @Timeout(60)
    void manyToManyThroughSelects() throws Exception {
        int producers = 4, consumers = 4, each = 10_000;
        AtomicIntegerArray seen = new AtomicIntegerArray(producers * each);
        try (Env env = Env.goloom(4)) {
            env.run(WAIT, () -> {
                Chan<Integer> x = Chan.make(), y = Chan.make(4);
                CountDownLatch producersDone = new CountDownLatch(producers);
                for (int p = 0; p < producers; p++) {
                    int base = p * each;
                    env.go(() -> {
                        for (int i = 0; i < each; i++) {
                            new Select().send(x, base + i, null).send(y, base + i, null).run();
                        }
                        producersDone.countDown();
                    });
                }
                AtomicInteger total = new AtomicInteger();
                CountDownLatch consumersDone = new CountDownLatch(consumers);
                for (int c = 0; c < consumers; c++) {
                    env.go(() -> {
                        Chan<Integer> xs = x, ys = y;
                        while (xs != Chan.<Integer>nil() || ys != Chan.<Integer>nil()) {
                            Integer[] box = {null};
                            int i = new Select().recv(xs, v -> box[0] = v).recv(ys, v -> box[0] = v).run();
                            if (box[0] == null) {
                                if (i == 0) {
                                    xs = Chan.nil();
                                } else {
                                    ys = Chan.nil();
                                }
                            } else {
                                seen.incrementAndGet(box[0]);
                                total.incrementAndGet();
                            }
                        }
                        consumersDone.countDown();
                    });
                }
                assertTrue(producersDone.await(WAIT.toSeconds(), TimeUnit.SECONDS));
                x.close();
                y.close();
                assertTrue(consumersDone.await(WAIT.toSeconds(), TimeUnit.SECONDS));
                assertEquals(producers * each, total.get());
            });
        }
        for (int i = 0; i < producers * each; i++) {
            assertEquals(1, seen.get(i), "value " + i);
        }
    }
}
