package io.goloom.sync;

import io.goloom.Go;
import io.goloom.GoRuntime;
import io.goloom.chan.Env;
import io.goloom.chan.Select;
import io.goloom.context.CancelContext;
import io.goloom.context.Context;
import io.goloom.context.ContextException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** golang.org/x/sync/errgroup: first error, context cancellation, limit, tryGo. */
class ErrGroupTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** All tasks succeed: await returns null after every task ran, and cancels the group's context. */
    @ParameterizedTest
    @EnumSource(Env.Kind.class)
    @Timeout(30)
    void allSucceed(Env.Kind kind) throws Exception {
        try (Env env = Env.of(kind)) {
            env.run(WAIT, () -> {
                ErrGroup g = new ErrGroup(Context.background());
                AtomicInteger ran = new AtomicInteger();
                for (int i = 0; i < 100; i++) {
                    g.go(() -> {
                        assertNull(g.context().err(), "the context was canceled while tasks run");
                        ran.incrementAndGet();
                    });
                }
                assertNull(g.await());
                assertEquals(100, ran.get());
                assertSame(ContextException.CANCELED, g.context().err(), "await did not cancel the context (Go's Wait does)");
                assertNull(new ErrGroup().await());
            });
        }
    }

    /**
     * The first error is returned (later ones dropped) and cancels the group's context at once,
     * so the other tasks, waiting on context().done(), stop early; the parent is untouched.
     */
    @ParameterizedTest
    @EnumSource(Env.Kind.class)
    @Timeout(30)
    void firstErrorWinsAndCancelsTheContext(Env.Kind kind) throws Exception {
        try (Env env = Env.of(kind)) {
            env.run(WAIT, () -> {
                CancelContext parent = Context.background().withCancel();
                ErrGroup g = new ErrGroup(parent);
                Context ctx = g.context();
                assertNull(ctx.err());
                int waiters = 20;
                AtomicInteger stopped = new AtomicInteger();
                for (int i = 0; i < waiters; i++) {
                    g.go(() -> {
                        // Until the failure below cancels the group (bounded, so a broken cancel fails crisply).
                        if (new Select().recv(ctx.done(), null).timeout(Duration.ofSeconds(10), null).run() == 0) {
                            stopped.incrementAndGet();
                        }
                    });
                }
                IOException first = new IOException("first");
                CountDownLatch firstThrown = new CountDownLatch(1);
                g.go(() -> {
                    try {
                        throw first;
                    } finally {
                        firstThrown.countDown();
                    }
                });
                g.go(() -> {
                    firstThrown.await();
                    // The first failure is recorded before the context is canceled.
                    new Select().recv(ctx.done(), null).timeout(Duration.ofSeconds(10), null).run();
                    throw new IllegalStateException("second");
                });
                assertSame(first, g.await());
                assertEquals(waiters, stopped.get(), "the first error did not cancel the group's context");
                assertSame(ContextException.CANCELED, ctx.err());
                assertNull(parent.err(), "the group's failure canceled its parent");
                parent.cancel();
            });
        }
    }

    /** Errors and Errors alike: an Error thrown by a task is recorded, not lost; without a context, context() throws. */
    @Test
    @Timeout(30)
    void errorsAreRecordedWithoutAContext() throws Exception {
        ErrGroup g = new ErrGroup();
        assertThrows(IllegalStateException.class, g::context);
        AssertionError boom = new AssertionError("boom");
        g.go(() -> {
            throw boom;
        });
        assertSame(boom, g.await());
    }

    /** Canceling the parent cancels the group's context. */
    @Test
    void parentCancelReachesTheGroup() {
        CancelContext parent = Context.background().withCancel();
        ErrGroup g = new ErrGroup(parent);
        parent.cancel();
        assertSame(ContextException.CANCELED, g.context().err());
    }

    /**
     * limit(n) bounds concurrency: 60 tasks never run more than n at once (measured), and with
     * n = 3 all three slots are used (the first three wait for each other on a latch, so the
     * slots fill whatever the timing); go() blocks while the limit is reached; tryGo starts a
     * task only when a slot is free.
     */
    @ParameterizedTest
    @EnumSource(Env.Kind.class)
    @Timeout(60)
    void limitBoundsConcurrency(Env.Kind kind) throws Exception {
        try (Env env = Env.of(kind)) {
            env.run(WAIT, () -> {
                int limit = 3;
                ErrGroup g = new ErrGroup(Context.background()).limit(limit);
                AtomicInteger running = new AtomicInteger(), max = new AtomicInteger(), ran = new AtomicInteger();
                CountDownLatch firstSlotsFilled = new CountDownLatch(limit);
                for (int i = 0; i < 60; i++) {
                    g.go(() -> {
                        int now = running.incrementAndGet();
                        max.accumulateAndGet(now, Math::max);
                        firstSlotsFilled.countDown();
                        firstSlotsFilled.await();
                        running.decrementAndGet();
                        ran.incrementAndGet();
                    });
                }
                assertNull(g.await());
                assertEquals(60, ran.get());
                assertTrue(max.get() <= limit, "ran " + max.get() + " at once with limit " + limit);
                assertEquals(limit, max.get(), "the limit's slots were not all used");

                // go() blocks while the limit is reached; tryGo returns false.
                ErrGroup h = new ErrGroup().limit(1);
                CountDownLatch release = new CountDownLatch(1);
                assertTrue(h.tryGo(release::await));
                assertFalse(h.tryGo(() -> { }), "tryGo started a task past the limit");
                AtomicInteger second = new AtomicInteger();
                Thread blocked = env.go(() -> h.go(second::incrementAndGet));
                Env.awaitBlocked(blocked);
                assertFalse(blocked.join(Duration.ofMillis(30)), "go() did not wait for a free slot");
                release.countDown();
                assertTrue(blocked.join(WAIT));
                assertNull(h.await());
                assertEquals(1, second.get());
                assertTrue(h.tryGo(() -> { }), "the slot was not given back");
                assertNull(h.await());
            });
        }
    }

    /** limit's argument checks; a failing task gives its slot back. */
    @Test
    @Timeout(30)
    void limitChecksAndSlotsComeBackAfterFailure() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> new ErrGroup().limit(0));
        assertThrows(IllegalArgumentException.class, () -> new ErrGroup().limit(-2));
        ErrGroup g = new ErrGroup().limit(1);
        for (int i = 0; i < 5; i++) {
            g.go(() -> {
                throw new IOException("x");
            });
        }
        assertTrue(g.await() instanceof IOException);
        assertTrue(g.tryGo(() -> { }));
        g.await();
        ErrGroup unlimited = new ErrGroup().limit(-1);
        CountDownLatch all = new CountDownLatch(50);
        for (int i = 0; i < 50; i++) {
            assertTrue(unlimited.tryGo(() -> {
                all.countDown();
                all.await();                      // all 50 at once: no limit
            }));
        }
        assertNull(unlimited.await());
    }

    /** Inside goloom, tasks are goroutines of the caller's runtime; with a ThreadFactory, its threads. */
    @Test
    @Timeout(30)
    void tasksRunWhereExpected() throws Exception {
        try (Env env = Env.goloom()) {
            AtomicReference<GoRuntime> rt = new AtomicReference<>();
            env.run(WAIT, () -> {
                ErrGroup g = new ErrGroup();
                g.go(() -> rt.set(Go.runtime()));
                assertNull(g.await());
            });
            assertSame(env.rt, rt.get());
        }
        AtomicReference<String> name = new AtomicReference<>();
        ErrGroup g = new ErrGroup(Context.background(), r -> Thread.ofPlatform().name("errgroup-test").unstarted(r));
        g.go(() -> name.set(Thread.currentThread().getName()));
        assertNull(g.await());
        assertEquals("errgroup-test", name.get());
    }
}
