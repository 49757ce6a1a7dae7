package io.goloom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.ArrayList;
import java.util.List;

import static io.goloom.TestSupport.await;
import static io.goloom.TestSupport.uniqueName;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The static Go facade and the runtime's ThreadFactory. */
class GoFacadeTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** Go.current() inside a goroutine is its handle (id, name); Go.go spawns on the same runtime. */
    @Test
    @Timeout(60)
    void currentAndGoInsideAGoroutine() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("facade")).procs(2).build()) {
            CompletableFuture<GoHandle> current = new CompletableFuture<>();
            CompletableFuture<Object[]> child = new CompletableFuture<>();
            GoHandle h = rt.go("the-name", () -> {
                current.complete(Go.current());
                GoHandle me = Go.current();
                Go.go("child", () -> child.complete(new Object[] {
                        Go.runtime(), Go.current().name(), Go.current().id(), me.id(), Thread.currentThread().isVirtual()}));
            });
            assertTrue(h.join(WAIT));
            GoHandle seen = current.get(30, TimeUnit.SECONDS);
            assertEquals(h.id(), seen.id());
            assertEquals("the-name", seen.name());
            assertSame(h.thread(), seen.thread());
            assertTrue(h.id() >= 1);
            assertTrue(h.thread().isVirtual());

            Object[] c = child.get(30, TimeUnit.SECONDS);
            assertSame(rt, c[0], "Go.go spawned on another runtime");
            assertEquals("child", c[1]);
            assertTrue((long) c[2] > (long) c[3], "child id " + c[2] + " not after parent id " + c[3]);
            assertEquals(true, c[4]);
        }
    }

    /** Outside a goroutine: current(), runtime() and go() throw IllegalStateException; inGoroutine() is false. */
    @Test
    void facadeOutsideAGoroutine() throws Exception {
        assertFalse(Go.inGoroutine());
        assertThrows(IllegalStateException.class, Go::current);
        assertThrows(IllegalStateException.class, Go::runtime);
        assertThrows(IllegalStateException.class, () -> Go.go(() -> { }));
        assertDoesNotThrow(Go::yield);
        // A plain JDK virtual thread is not a goroutine either.
        AtomicBoolean inGoroutine = new AtomicBoolean(true);
        AtomicBoolean threw = new AtomicBoolean();
        Thread vt = Thread.ofVirtual().start(() -> {
            inGoroutine.set(Go.inGoroutine());
            try {
                Go.current();
            } catch (IllegalStateException expected) {
                threw.set(true);
            }
        });
        assertTrue(vt.join(WAIT));
        assertFalse(inGoroutine.get());
        assertTrue(threw.get());
    }

    /**
     * Go's TestYieldProgress on procs=1: a goroutine spinning on Go.yield() until a flag is set
     * by another goroutine sees it (the other one gets to run).
     */
    @Test
    @Timeout(60)
    void goYieldLetsOthersProgress() throws Exception {
        assertYieldProgress(Go::yield);
    }

    /** The same with a plain Thread.yield() (to the local queue's tail). */
    @Test
    @Timeout(60)
    void threadYieldLetsOthersProgress() throws Exception {
        assertYieldProgress(Thread::yield);
    }

    private static void assertYieldProgress(Runnable yield) throws Exception {
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("yield")).procs(1).build()) {
            AtomicBoolean flag = new AtomicBoolean();
            CountDownLatch spinning = new CountDownLatch(1), ack = new CountDownLatch(1);
            rt.go("spinner", () -> {
                spinning.countDown();
                while (!flag.get()) {
                    yield.run();
                }
                ack.countDown();
            });
            await(spinning, WAIT, "the spinner to start");
            rt.go("setter", () -> flag.set(true));
            await(ack, WAIT, "the spinner to see the flag set by another goroutine");

            // And when the setter is spawned by the spinner itself (runnext).
            AtomicBoolean flag2 = new AtomicBoolean();
            CountDownLatch ack2 = new CountDownLatch(1);
            rt.go("spinner2", () -> {
                Go.go(() -> flag2.set(true));
                while (!flag2.get()) {
                    yield.run();
                }
                ack2.countDown();
            });
            await(ack2, WAIT, "the spinner to see the flag set by its child");
        }
    }

    /** Executors.newThreadPerTaskExecutor(rt.threadFactory()) runs its tasks as goroutines of rt. */
    @Test
    @Timeout(60)
    void threadFactoryExecutorRunsTasksOnGoloom() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("factory")).procs(2).build()) {
            Thread unstarted = rt.threadFactory().newThread(() -> { });
            assertTrue(unstarted.isVirtual());
            assertEquals(Thread.State.NEW, unstarted.getState());
            List<Future<Object[]>> results = new ArrayList<>();
            try (ExecutorService ex = Executors.newThreadPerTaskExecutor(rt.threadFactory())) {
                for (int i = 0; i < 100; i++) {
                    results.add(ex.submit(() -> new Object[] {Go.inGoroutine(), Go.runtime(), Thread.currentThread().isVirtual()}));
                }
                for (Future<Object[]> f : results) {
                    Object[] r = f.get(30, TimeUnit.SECONDS);
                    assertEquals(true, r[0], "task not in a goroutine");
                    assertSame(rt, r[1]);
                    assertEquals(true, r[2]);
                }
            }
        }
    }
}
