package io.goloom.context;

import io.goloom.ProcStats;
import io.goloom.chan.Chan;
import io.goloom.chan.Env;
import io.goloom.chan.Select;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Go's context semantics: cancellation down the tree, deadlines, values, done() in select, no leaks. */
class ContextTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static boolean isDone(Context c) {
        return c.done().isClosed();
    }

    /** background(): never done, no deadline, no values; its done() is a nil channel; await blocks until interrupted. */
    @Test
    @Timeout(30)
    void backgroundIsNeverDone() throws Exception {
        Context bg = Context.background();
        assertSame(bg, Context.background());
        assertNull(bg.err());
        assertEquals(Optional.empty(), bg.deadline());
        assertNull(bg.value(new Context.Key<String>("k")));
        assertSame(Chan.<Void>nil(), bg.done());
        assertEquals(1, new Select().recv(bg.done(), v -> fail()).otherwise(null).run());
        try (Env env = Env.goloom()) {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread t = env.go(() -> {
                try {
                    bg.await();
                } catch (InterruptedException e) {
                    thrown.set(e);
                }
            });
            Env.awaitBlocked(t);
            assertFalse(t.join(Duration.ofMillis(50)));
            t.interrupt();
            assertTrue(t.join(WAIT));
            assertTrue(thrown.get() instanceof InterruptedException);
        }
    }

    /** Go's error strings; both are CancellationExceptions. */
    @Test
    void errValues() {
        assertEquals("context canceled", ContextException.CANCELED.getMessage());
        assertEquals("context deadline exceeded", ContextException.DEADLINE_EXCEEDED.getMessage());
        assertTrue(ContextException.CANCELED instanceof CancellationException);
    }

    /**
     * Cancel propagates to every descendant (through value layers too) with the parent's reason;
     * a child's cancel touches neither its parent nor its siblings; canceling again does nothing;
     * a child made from a canceled parent is done at once.
     */
    @Test
    void cancelPropagatesDownNeverUp() {
        CancelContext root = Context.background().withCancel();
        CancelContext a = root.withCancel(), b = root.withCancel();
        Context.Key<String> k = new Context.Key<>("k");
        CancelContext a1 = a.withValue(k, "v").withCancel();
        CancelContext a2 = a1.withTimeout(Duration.ofHours(1));
        Context a3 = a2.withValue(k, "w");

        a1.cancel();
        assertSame(ContextException.CANCELED, a1.err());
        assertTrue(isDone(a1) && isDone(a2) && isDone(a3));
        assertSame(ContextException.CANCELED, a2.err(), "a child gets its parent's reason");
        assertSame(ContextException.CANCELED, a3.err());
        assertNull(a.err(), "a child's cancel canceled its parent");
        assertFalse(isDone(a) || isDone(root) || isDone(b));

        root.cancel();
        assertSame(ContextException.CANCELED, root.err());
        assertTrue(isDone(a) && isDone(b));
        root.cancel();
        root.close();
        assertSame(ContextException.CANCELED, root.err());

        CancelContext late = root.withCancel();
        assertTrue(isDone(late), "a child of a canceled context is not done at once");
        assertSame(ContextException.CANCELED, late.err());
        assertTrue(isDone(root.withTimeout(Duration.ofHours(1))));
    }

    /**
     * Children created while their parent is being canceled, from 4 goroutines: every one ends up
     * canceled (registered before the cancel and reached by it, or made after and done at once).
     */
    @Test
    @Timeout(60)
    void childrenRacingTheParentsCancelAreAllCanceled() throws Exception {
        try (Env env = Env.goloom()) {
            env.run(WAIT, () -> {
                for (int round = 0; round < 50; round++) {
                    CancelContext parent = Context.background().withCancel();
                    List<List<CancelContext>> made = new ArrayList<>();
                    CountDownLatch started = new CountDownLatch(4), finished = new CountDownLatch(4);
                    for (int g = 0; g < 4; g++) {
                        List<CancelContext> mine = new ArrayList<>();
                        made.add(mine);
                        env.go(() -> {
                            started.countDown();
                            for (int i = 0; i < 500; i++) {
                                mine.add(i % 2 == 0 ? parent.withCancel() : parent.withTimeout(Duration.ofHours(1)));
                            }
                            finished.countDown();
                        });
                    }
                    started.await();
                    parent.cancel();
                    assertTrue(finished.await(WAIT.toSeconds(), TimeUnit.SECONDS));
                    for (List<CancelContext> mine : made) {
                        for (CancelContext c : mine) {
                            assertSame(ContextException.CANCELED, c.err(), "a child escaped its parent's cancel");
                            assertTrue(c.done().isClosed());
                        }
                    }
                }
            });
        }
    }

    /** try-with-resources cancels, like Go's defer cancel(). */
    @Test
    void closeCancels() {
        CancelContext c;
        try (CancelContext ctx = Context.background().withTimeout(Duration.ofHours(1))) {
            c = ctx;
            assertNull(ctx.err());
        }
        assertSame(ContextException.CANCELED, c.err());
    }

    /**
     * Deadlines fire: err() becomes DEADLINE_EXCEEDED, done() closes, not before the deadline; the
     * reason propagates to children; a timeout of zero or less is done at once; deadline()
     * reports the earliest deadline on the chain.
     */
    @ParameterizedTest
    @EnumSource(Env.Kind.class)
    @Timeout(30)
    void deadlineFires(Env.Kind kind) throws Exception {
        try (Env env = Env.of(kind)) {
            env.run(WAIT, () -> {
                long t0 = System.nanoTime();
                CancelContext ctx = Context.background().withTimeout(Duration.ofMillis(30));
                CancelContext child = ctx.withCancel();
                assertNull(ctx.err());
                ctx.await();
                long elapsed = System.nanoTime() - t0;
                assertTrue(elapsed >= 30_000_000L, "fired early: " + elapsed + " ns");
                assertTrue(elapsed < 10_000_000_000L, "fired very late: " + elapsed + " ns");
                assertSame(ContextException.DEADLINE_EXCEEDED, ctx.err());
                child.await();
                assertSame(ContextException.DEADLINE_EXCEEDED, child.err());
                ctx.cancel();
                assertSame(ContextException.DEADLINE_EXCEEDED, ctx.err(), "cancel after the deadline changed err()");

                assertSame(ContextException.DEADLINE_EXCEEDED, Context.background().withTimeout(Duration.ZERO).err());
                assertSame(ContextException.DEADLINE_EXCEEDED, Context.background().withTimeout(Duration.ofSeconds(-1)).err());
                assertSame(ContextException.DEADLINE_EXCEEDED,
                        Context.background().withDeadline(Instant.now().minusSeconds(1)).err());

                Instant at = Instant.now().plusSeconds(3600);
                CancelContext d = Context.background().withDeadline(at);
                assertEquals(Optional.of(at), d.deadline());
                assertEquals(Optional.of(at), d.withDeadline(at.plusSeconds(60)).deadline(), "a later child deadline wins");
                Instant earlier = at.minusSeconds(60);
                assertEquals(Optional.of(earlier), d.withDeadline(earlier).deadline());
                assertEquals(Optional.of(at), d.withValue(new Context.Key<>("x"), 1).withCancel().deadline());
                assertEquals(Optional.empty(), Context.background().withCancel().deadline());
                d.cancel();
                // A timeout beyond what nanoseconds hold (292 years) is accepted.
                CancelContext longWait = Context.background().withTimeout(Duration.ofDays(365L * 1_000));
                assertNull(longWait.err());
                longWait.cancel();
            });
        }
    }

    /**
     * The longest timeouts, {@code ChronoUnit.FOREVER.getDuration()} (the JDK's "forever") and
     * {@code Duration.ofSeconds(Long.MAX_VALUE)}, make a context that never times out, like any
     * timeout past the nanosecond range; a deadline at {@code Instant.MAX} too.
     */
    @Test
    void foreverTimeoutNeverFires() {
        for (Duration d : List.of(java.time.temporal.ChronoUnit.FOREVER.getDuration(), Duration.ofSeconds(Long.MAX_VALUE))) {
            CancelContext c = Context.background().withTimeout(d);
            assertNull(c.err(), d.toString());
            c.cancel();
        }
        CancelContext c = Context.background().withDeadline(Instant.MAX);
        assertNull(c.err());
        assertEquals(Optional.of(Instant.MAX), c.deadline());
        c.cancel();
    }

    /** done() is the same channel every time, and works as a select case next to other channels. */
    @ParameterizedTest
    @EnumSource(Env.Kind.class)
    @Timeout(30)
    void doneIsUsableInSelect(Env.Kind kind) throws Exception {
        try (Env env = Env.of(kind)) {
            env.run(WAIT, () -> {
                CancelContext ctx = Context.background().withCancel();
                assertSame(ctx.done(), ctx.done());
                Chan<Integer> work = Chan.make();
                AtomicInteger handled = new AtomicInteger();
                Thread worker = env.go(() -> {
                    Select s = new Select().recv(work, v -> handled.incrementAndGet()).recv(ctx.done(), null);
                    while (s.run() == 0) {
                        // handled one more
                    }
                    assertSame(ContextException.CANCELED, ctx.err());
                });
                for (int i = 0; i < 100; i++) {
                    work.send(i);
                }
                ctx.cancel();
                assertTrue(worker.join(WAIT));
                assertEquals(100, handled.get());

                CancelContext timed = Context.background().withTimeout(Duration.ofMillis(20));
                assertEquals(1, new Select().recv(work, v -> fail()).recv(timed.done(), v -> assertNull(v))
                        .timeout(Duration.ofSeconds(20), () -> fail("deadline did not close done()")).run());
            });
        }
    }

    /** Values are found through any chain of value and cancel layers; the nearest binding wins; keys are compared by identity. */
    @Test
    void withValueLookup() {
        Context.Key<String> user = new Context.Key<>("user");
        Context.Key<Integer> depth = new Context.Key<>("depth");
        Context.Key<String> user2 = new Context.Key<>("user");      // same name, different key
        Context c = Context.background().withValue(user, "alice");
        CancelContext cc = c.withCancel();
        Context d = cc.withValue(depth, 1).withTimeout(Duration.ofHours(1)).withValue(depth, 2);
        assertEquals("alice", d.value(user));
        assertEquals(2, d.value(depth));
        assertNull(d.value(user2));
        assertEquals(1, cc.withValue(depth, 1).value(depth));
        assertNull(cc.value(depth));
        assertEquals("bob", d.withValue(user, "bob").value(user));
        assertEquals("alice", d.value(user), "a child's binding leaked to its parent");
        assertNull(Context.background().withValue(user, null).value(user));
        cc.cancel();
        assertEquals("alice", d.value(user), "values survive cancellation");
        assertSame(ContextException.CANCELED, d.err(), "a value layer reports its parent's err()");
        assertThrows(NullPointerException.class, () -> Context.background().withValue(null, 1));
    }

    /** One cancel releases 1,000 goroutines waiting on descendants (await and select). */
    @Test
    @Timeout(60)
    void cancelReleasesManyWaiters() throws Exception {
        try (Env env = Env.goloom()) {
            env.run(WAIT, () -> {
                CancelContext root = Context.background().withCancel();
                int n = 1_000;
                CountDownLatch released = new CountDownLatch(n);
                for (int i = 0; i < n; i++) {
                    CancelContext child = (i % 3 == 0 ? root : root.withCancel()).withTimeout(Duration.ofHours(1));
                    boolean viaSelect = (i & 1) == 0;
                    env.go(() -> {
                        if (viaSelect) {
                            new Select().recv(child.done(), null).run();
                        } else {
                            child.await();
                        }
                        assertSame(ContextException.CANCELED, child.err());
                        released.countDown();
                    });
                }
                assertFalse(released.await(20, TimeUnit.MILLISECONDS));
                root.cancel();
                assertTrue(released.await(WAIT.toSeconds(), TimeUnit.SECONDS), released.getCount() + " not released");
            });
        }
    }

    /**
     * Canceling releases the child's deadline timer: 100,000 withTimeout(1h) contexts made and
     * canceled in a goroutine leave the P timer heaps small (a stopped entry is swept lazily,
     * so not always 0), where 100,000 live timers would remain without the release; the same
     * contexts left alone do keep their timers (the check can see a leak).
     */
    @Test
    @Timeout(60)
    void cancelReleasesTheTimer() throws Exception {
        try (Env env = Env.goloom(1)) {
            int[] peak = {0};
            env.run(WAIT, () -> {
                Context parent = Context.background().withCancel();
                for (int i = 0; i < 100_000; i++) {
                    CancelContext c = parent.withTimeout(Duration.ofHours(1));
                    c.cancel();
                    if (i % 1_000 == 0) {
                        peak[0] = Math.max(peak[0], timers(env));
                    }
                }
            });
            int left = timers(env);
            assertTrue(peak[0] < 1_000, "timer heap reached " + peak[0] + " entries");
            assertTrue(left < 1_000, left + " timers left after 100,000 canceled contexts");

            List<CancelContext> live = new ArrayList<>();
            env.run(WAIT, () -> {
                for (int i = 0; i < 2_000; i++) {
                    live.add(Context.background().withTimeout(Duration.ofHours(1)));
                }
            });
            assertTrue(timers(env) >= 2_000, "live contexts hold no timer? " + timers(env));
            env.run(WAIT, () -> live.forEach(CancelContext::cancel));
            for (CancelContext c : live) {
                assertSame(ContextException.CANCELED, c.err());
            }
        }
    }

    private static int timers(Env env) {
        return env.rt.procStats().stream().mapToInt(ProcStats::timers).sum();
    }

    /**
     * A canceled child is unlinked from its parent: 10,000 children of a long-lived parent,
     * canceled and dropped, become garbage (the parent keeps no reference).
     */
    @Test
    @Timeout(60)
    void canceledChildIsNotRetainedByItsParent() throws Exception {
        CancelContext parent = Context.background().withCancel();
        List<WeakReference<CancelContext>> refs = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            CancelContext c = parent.withTimeout(Duration.ofHours(1));
            c.cancel();
            refs.add(new WeakReference<>(c));
        }
        CancelContext kept = parent.withCancel();     // not canceled: must stay reachable from the parent
        WeakReference<CancelContext> keptRef = new WeakReference<>(kept);
        kept = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int alive;
        do {
            System.gc();
            Thread.sleep(20);
            alive = 0;
            for (WeakReference<CancelContext> r : refs) {
                if (r.get() != null) {
                    alive++;
                }
            }
        } while (alive > 0 && System.nanoTime() < deadline);
        assertEquals(0, alive, "canceled children still reachable");
        CancelContext k = keptRef.get();
        assertTrue(k != null, "a live child was not kept by its parent (cancel could not reach it)");
        parent.cancel();
        assertSame(ContextException.CANCELED, k.err());
    }
}
