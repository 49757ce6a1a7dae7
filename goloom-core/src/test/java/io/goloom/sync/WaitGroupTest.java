package io.goloom.sync;

import io.goloom.Go;
import io.goloom.GoRuntime;
import io.goloom.chan.Env;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Go's sync.WaitGroup: add/done/await, the negative-counter error, a timed await, wg.Go. */
class WaitGroupTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** A counter below zero fails with Go's message and leaves the count unchanged. */
    @Test
    void negativeCounterIsAnError() {
        WaitGroup wg = new WaitGroup();
        IllegalStateException e = assertThrows(IllegalStateException.class, wg::done);
        assertTrue(e.getMessage().startsWith("negative WaitGroup counter: -1"), e.getMessage());
        assertEquals(0, wg.count());
        wg.add(2);
        e = assertThrows(IllegalStateException.class, () -> wg.add(-3));
        assertTrue(e.getMessage().startsWith("negative WaitGroup counter: -1"), e.getMessage());
        assertEquals(2, wg.count());
        wg.add(0);
        wg.done();
        wg.done();
        assertEquals(0, wg.count());
    }

    /** await returns at once at zero; blocks until the last done(); the count can rise again after zero. */
    @ParameterizedTest
    @EnumSource(Env.Kind.class)
    @Timeout(30)
    void awaitBlocksUntilTheCountIsZero(Env.Kind kind) throws Exception {
        try (Env env = Env.of(kind)) {
            env.run(WAIT, () -> {
                WaitGroup wg = new WaitGroup();
                wg.await();
                assertTrue(wg.await(Duration.ZERO));
                for (int round = 0; round < 3; round++) {
                    int n = 50;
                    wg.add(n);
                    CountDownLatch go = new CountDownLatch(1);
                    AtomicInteger finished = new AtomicInteger();
                    for (int i = 0; i < n; i++) {
                        env.go(() -> {
                            go.await();
                            finished.incrementAndGet();
                            wg.done();
                        });
                    }
                    Thread waiter = env.go(() -> {
                        wg.await();
                        assertEquals(n, finished.get(), "await returned before the last done()");
                    });
                    Env.awaitBlocked(waiter);
                    assertEquals(n, wg.count());
                    go.countDown();
                    wg.await();
                    assertEquals(n, finished.get());
                    assertTrue(waiter.join(WAIT));
                    assertEquals(0, wg.count());
                }
            });
        }
    }

    /** await(timeout) gives up after the timeout (false) and succeeds once the count is zero (true). */
    @ParameterizedTest
    @EnumSource(Env.Kind.class)
    @Timeout(30)
    void awaitWithTimeout(Env.Kind kind) throws Exception {
        try (Env env = Env.of(kind)) {
            env.run(WAIT, () -> {
                WaitGroup wg = new WaitGroup();
                wg.add(1);
                long t0 = System.nanoTime();
                assertFalse(wg.await(Duration.ofMillis(30)));
                assertTrue(System.nanoTime() - t0 >= 30_000_000L, "gave up early");
                assertFalse(wg.await(Duration.ZERO));
                assertFalse(wg.await(Duration.ofSeconds(-1)));
                env.go(() -> {
                    Thread.sleep(10);
                    wg.done();
                });
                assertTrue(wg.await(WAIT));
                assertTrue(wg.await(Duration.ofSeconds(Long.MAX_VALUE)), "a huge timeout overflowed");
            });
        }
    }

    /** await is interruptible: InterruptedException, and the count is untouched. */
    @Test
    @Timeout(30)
    void awaitIsInterruptible() throws Exception {
        try (Env env = Env.goloom()) {
            WaitGroup wg = new WaitGroup();
            wg.add(1);
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread t = env.go(() -> {
                try {
                    wg.await();
                } catch (InterruptedException e) {
                    thrown.set(e);
                }
            });
            Env.awaitBlocked(t);
            t.interrupt();
            assertTrue(t.join(WAIT));
            assertTrue(thrown.get() instanceof InterruptedException);
            assertEquals(1, wg.count());
        }
    }

    /**
     * wg.go (Go 1.25's wg.Go): counts the task in before it starts and out when it ends (also
     * when it throws); inside goloom the task is a goroutine of the caller's runtime, outside it
     * is a virtual thread.
     */
    @Test
    @Timeout(30)
    void goStartsCountedTasks() throws Exception {
        try (Env env = Env.goloom()) {
            AtomicReference<GoRuntime> seen = new AtomicReference<>();
            AtomicInteger ran = new AtomicInteger();
            env.run(WAIT, () -> {
                WaitGroup wg = new WaitGroup();
                CountDownLatch hold = new CountDownLatch(1);
                for (int i = 0; i < 100; i++) {
                    wg.go(() -> {
                        try {
                            hold.await();
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                        seen.set(Go.runtime());
                        ran.incrementAndGet();
                    });
                }
                assertEquals(100, wg.count(), "go() did not count the task in before it started");
                hold.countDown();
                wg.await();
                assertEquals(100, ran.get());
            });
            assertSame(env.rt, seen.get(), "wg.go inside goloom did not use the caller's runtime");
        }
        // Outside goloom: a JDK virtual thread; a throwing task still counts itself out.
        WaitGroup wg = new WaitGroup();
        AtomicReference<Thread> thread = new AtomicReference<>();
        wg.go(() -> thread.set(Thread.currentThread()));
        wg.go(() -> {
            throw new IllegalStateException("expected by the test");
        });
        assertTrue(wg.await(WAIT));
        assertTrue(thread.get().isVirtual());
        assertFalse(Go.inGoroutine());
        assertThrows(NullPointerException.class, () -> wg.go(null));
        assertEquals(0, wg.count());
    }

    /** 8 goroutines doing 10,000 add(1)/done() pairs each, while a waiter repeatedly awaits: the count ends at 0. */
    @Test
    @Timeout(60)
    void concurrentAddAndDone() throws Exception {
        try (Env env = Env.goloom()) {
            env.run(WAIT, () -> {
                WaitGroup wg = new WaitGroup();
                WaitGroup workers = new WaitGroup();
                for (int g = 0; g < 8; g++) {
                    workers.go(() -> {
                        for (int i = 0; i < 10_000; i++) {
                            wg.add(1);
                            wg.done();
                        }
                    });
                }
                assertTrue(workers.await(WAIT));
                assertEquals(0, wg.count());
                assertTrue(wg.await(Duration.ZERO));
            });
        }
    }
}
