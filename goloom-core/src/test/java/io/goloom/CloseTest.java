package io.goloom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.Collectors;

import static io.goloom.TestSupport.assertEachExactlyOnce;
import static io.goloom.TestSupport.await;
import static io.goloom.TestSupport.awaitCondition;
import static io.goloom.TestSupport.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** close()/shutdown(): waiting for live goroutines, reporting the stuck ones, and what is rejected afterwards. */
class CloseTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /**
     * Goroutines blocked until close() has begun: close waits for them, and when it returns they
     * have all completed and none is reported.
     */
    @Test
    @Timeout(60)
    void closeWaitsForLiveGoroutinesThatFinishInTime() throws Exception {
        int n = 100;
        AtomicIntegerArray finished = new AtomicIntegerArray(n);
        CountDownLatch release = new CountDownLatch(1);
        ByteArrayOutputStream diag = new ByteArrayOutputStream();
        GoRuntime rt = GoRuntime.builder().name(uniqueName("close-wait")).procs(2)
                .shutdownTimeout(Duration.ofSeconds(30)).diagnostics(new PrintStream(diag, true)).build();
        try (rt) {
            for (int i = 0; i < n; i++) {
                int id = i;
                rt.go(() -> {
                    try {
                        release.await();     // released only after close() began
                        finished.incrementAndGet(id);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            assertEquals(n, rt.goroutines());
            // Release only once close() has begun, so close must actually wait for them.
            Thread releaser = Thread.ofPlatform().start(() -> {
                awaitCondition(rt::isClosed, WAIT, () -> "close() to begin");
                release.countDown();
            });
            List<GoHandle> alive = rt.shutdown(Duration.ofSeconds(30));
            assertTrue(alive.isEmpty(), "reported alive: " + alive);
            releaser.join();
            assertEachExactlyOnce(finished, "goroutines (complete when close returns)");
            assertEquals(0, rt.goroutines());
        }
        assertFalse(diag.toString(StandardCharsets.UTF_8).contains("still alive"), diag::toString);
    }

    /**
     * Goroutines blocked forever: close returns after the 200 ms timeout, returns and reports
     * them (name and stack) to the diagnostics stream; released afterwards, each still completes
     * on the fallback carrier.
     */
    @Test
    @Timeout(60)
    void closeReportsGoroutinesBlockedForeverAndTheyCanStillFinish() throws Exception {
        int n = 3;
        CountDownLatch never = new CountDownLatch(1), parked = new CountDownLatch(n);
        AtomicInteger completed = new AtomicInteger();
        ByteArrayOutputStream diag = new ByteArrayOutputStream();
        String name = uniqueName("close-stuck");
        GoRuntime rt = GoRuntime.builder().name(name).procs(2).shutdownTimeout(Duration.ofMillis(200))
                .diagnostics(new PrintStream(diag, true, StandardCharsets.UTF_8)).build();
        List<GoHandle> stuck = new ArrayList<>();
        try (rt) {
            for (int i = 0; i < n; i++) {
                stuck.add(rt.go("stuck-" + i, () -> {
                    parked.countDown();
                    try {
                        never.await();
                        completed.incrementAndGet();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            GoHandle quick = rt.go("quick", () -> { });
            assertTrue(quick.join(WAIT));
            await(parked, WAIT, "the stuck goroutines to park");
            awaitCondition(() -> stuck.stream().allMatch(h -> h.state() == GoroutineState.WAITING), WAIT,
                    () -> "stuck goroutines to be WAITING");

            long t0 = System.nanoTime();
            rt.close();
            long tookMs = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(tookMs >= 190, "close returned after " + tookMs + " ms, before the 200 ms timeout");
            assertTrue(rt.isClosed());

            String report = diag.toString(StandardCharsets.UTF_8);
            assertTrue(report.contains("3 goroutine(s) still alive"), report);
            for (GoHandle h : stuck) {
                assertTrue(report.contains("goroutine " + h.id() + " \"" + h.name() + "\""), "report lacks " + h + ":\n" + report);
                assertTrue(h.thread().isAlive());
            }
            assertTrue(report.contains("CountDownLatch.await"), "report lacks the stacks:\n" + report);
            assertTrue(report.contains(CloseTest.class.getName()), "report lacks the test's frames:\n" + report);

            // shutdown() on a closed runtime: returns at once, with what the first close found.
            long t1 = System.nanoTime();
            assertEquals(Set.copyOf(stuck), Set.copyOf(rt.shutdown(Duration.ofSeconds(5))));
            assertTrue(System.nanoTime() - t1 < Duration.ofSeconds(2).toNanos());

            never.countDown();
            for (GoHandle h : stuck) {
                assertTrue(h.join(WAIT), h + " was lost after close");
            }
            assertEquals(n, completed.get());
        }
    }

    /** shutdown(timeout) returns exactly the goroutines still alive when the wait ended. */
    @Test
    @Timeout(60)
    void shutdownReturnsTheGoroutinesStillAlive() throws Exception {
        CountDownLatch never = new CountDownLatch(1), parked = new CountDownLatch(2);
        ByteArrayOutputStream diag = new ByteArrayOutputStream();
        GoRuntime rt = GoRuntime.builder().name(uniqueName("shutdown")).procs(1)
                .diagnostics(new PrintStream(diag, true, StandardCharsets.UTF_8)).build();
        try (rt) {
            List<GoHandle> stuck = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                stuck.add(rt.go("blocked-" + i, () -> {
                    parked.countDown();
                    try {
                        never.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            GoHandle done = rt.go("done", () -> { });
            assertTrue(done.join(WAIT));
            await(parked, WAIT, "the blocked goroutines to park");
            List<GoHandle> alive = rt.shutdown(Duration.ofMillis(200));
            Set<Long> ids = alive.stream().map(GoHandle::id).collect(Collectors.toSet());
            assertEquals(stuck.stream().map(GoHandle::id).collect(Collectors.toSet()), ids);
            never.countDown();
            for (GoHandle h : stuck) {
                assertTrue(h.join(WAIT), h + " was lost after shutdown");
            }
        }
    }

    /** close() twice (and close() after shutdown()) is harmless and returns at once. */
    @Test
    @Timeout(60)
    void closeTwiceIsHarmless() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("close-twice")).procs(2).build()) {
            assertTrue(rt.go(() -> { }).join(WAIT));
            rt.close();
            long t0 = System.nanoTime();
            rt.close();
            assertTrue(rt.shutdown(Duration.ofSeconds(1)).isEmpty());
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos());
            assertTrue(rt.isClosed());
        }   // and a third close, by try-with-resources
    }

    /**
     * A close() that starts while another is still waiting for a goroutine does not return
     * before the first has finished, and returns the same (empty) list of stragglers.
     */
    @Test
    @Timeout(60)
    void concurrentCloseWaitsForTheFirst() throws Exception {
        CountDownLatch started = new CountDownLatch(1), release = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        GoRuntime rt = GoRuntime.builder().name(uniqueName("close-concurrent")).procs(1)
                .shutdownTimeout(Duration.ofSeconds(30)).build();
        rt.go(() -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            finished.set(true);
        });
        await(started, WAIT, "the goroutine to start");
        Thread first = Thread.ofPlatform().start(rt::close);
        while (!rt.isClosed()) {
            Thread.onSpinWait();                  // the first close() has begun
        }
        CompletableFuture<List<GoHandle>> second = new CompletableFuture<>();
        AtomicBoolean finishedWhenSecondReturned = new AtomicBoolean();
        Thread secondCloser = Thread.ofPlatform().start(() -> {
            List<GoHandle> r = rt.shutdown(WAIT);
            finishedWhenSecondReturned.set(finished.get());
            second.complete(r);
        });
        // Release the goroutine only once the second close() is blocked (or, if it wrongly
        // returned at once, has ended).
        awaitCondition(() -> secondCloser.getState() == Thread.State.TIMED_WAITING
                || secondCloser.getState() == Thread.State.TERMINATED, WAIT, () -> "the second close() to block");
        release.countDown();
        assertTrue(second.get(WAIT.toSeconds(), TimeUnit.SECONDS).isEmpty());
        assertTrue(finishedWhenSecondReturned.get(), "the second close returned before the goroutine finished");
        first.join();
    }

    /** go() after close throws RejectedExecutionException, and so do threadFactory threads. */
    @Test
    @Timeout(60)
    void newGoroutinesAreRejectedAfterClose() throws Exception {
        AtomicBoolean ran = new AtomicBoolean();
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("rejected")).procs(1).build()) {
            Thread createdBefore = rt.threadFactory().newThread(() -> ran.set(true));
            rt.close();
            assertThrows(RejectedExecutionException.class, () -> rt.go(() -> ran.set(true)));
            assertThrows(RejectedExecutionException.class, () -> rt.go("named", () -> ran.set(true)));
            assertThrows(RejectedExecutionException.class, createdBefore::start,
                    "a threadFactory thread created before close and started after it");
            assertThrows(RejectedExecutionException.class, () -> rt.threadFactory().newThread(() -> ran.set(true)).start());
            assertFalse(createdBefore.isAlive());
            assertEquals(0, rt.goroutines());
        }
        assertFalse(ran.get());
    }

    /** close() from one of the runtime's own goroutines would wait for itself: IllegalStateException, runtime stays open. */
    @Test
    @Timeout(60)
    void closeFromInsideItsOwnGoroutineIsRefused() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("self-close")).procs(1).build()) {
            CompletableFuture<Throwable> thrown = new CompletableFuture<>();
            assertTrue(rt.go(() -> {
                try {
                    rt.close();
                    thrown.complete(null);
                } catch (Throwable t) {
                    thrown.complete(t);
                }
            }).join(WAIT));
            assertTrue(thrown.get(10, TimeUnit.SECONDS) instanceof IllegalStateException,
                    () -> "close() inside a goroutine: " + thrown.getNow(null));
            assertFalse(rt.isClosed());
            assertTrue(rt.go(() -> { }).join(WAIT), "the runtime stopped accepting goroutines");
        }
    }

    /** After close of a runtime that ran work on several Ms, no carrier thread "<name>-m-" is alive. */
    @Test
    @Timeout(60)
    void noCarrierThreadsRemainAfterClose() throws Exception {
        String name = uniqueName("carriers");
        GoRuntime rt = GoRuntime.builder().name(name).procs(4).build();
        AtomicInteger sum = new AtomicInteger();
        try (rt) {
            List<GoHandle> hs = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                hs.add(rt.go(() -> {
                    sum.incrementAndGet();
                    Thread.yield();
                }));
            }
            for (GoHandle h : hs) {
                assertTrue(h.join(WAIT));
            }
            assertTrue(rt.threads() >= 1);
            assertTrue(carriersOf(name) >= 1, "expected carrier threads named " + name + "-m-* while open");
        }
        assertEquals(2_000, sum.get());
        awaitCondition(() -> carriersOf(name) == 0, Duration.ofSeconds(10),
                () -> carriersOf(name) + " carrier threads of " + name + " still alive after close");
        assertEquals(0, rt.threads());
    }

    private static long carriersOf(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(name + "-m-"))
                .count();
    }
}
