package io.goloom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

import static io.goloom.TestSupport.await;
import static io.goloom.TestSupport.awaitCondition;
import static io.goloom.TestSupport.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * sysmon's hand-off (Go's retake) and {@code Go.blocking}: a goroutine that keeps its carrier
 * (here: parked inside a class initializer, which pins the carrier on JDK 25) does not stop the
 * other goroutines of its P.
 */
class HandoffTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    // Outside the classes they guard: touching a static field of PinnedA would initialise it.
    private static final CountDownLatch A_ENTERED = new CountDownLatch(1), A_RELEASE = new CountDownLatch(1);
    private static final CountDownLatch B_ENTERED = new CountDownLatch(1), B_RELEASE = new CountDownLatch(1);
    private static final CountDownLatch C_ENTERED = new CountDownLatch(1), C_RELEASE = new CountDownLatch(1);
    private static final CountDownLatch D_ENTERED = new CountDownLatch(1), D_RELEASE = new CountDownLatch(1);

    /** A class whose initializer parks until released: the thread initialising it is pinned. */
    static final class PinnedA {
        static {
            enterAndWait(A_ENTERED, A_RELEASE);
        }

        static void touch() {
        }
    }

    /** As {@link PinnedA}, for the Go.blocking test (a class initializer runs once per JVM). */
    static final class PinnedB {
        static {
            enterAndWait(B_ENTERED, B_RELEASE);
        }

        static void touch() {
        }
    }

    /** As {@link PinnedA}, for the maxThreads test. */
    static final class PinnedC {
        static {
            enterAndWait(C_ENTERED, C_RELEASE);
        }

        static void touch() {
        }
    }

    /** As {@link PinnedA}, for the test of an idle P left with work. */
    static final class PinnedD {
        static {
            enterAndWait(D_ENTERED, D_RELEASE);
        }

        static void touch() {
        }
    }

    /** The body of each initializer: say it is in, then park (pinned) until released. */
    private static void enterAndWait(CountDownLatch entered, CountDownLatch release) {
        entered.countDown();
        awaitUninterruptibly(release);
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        for (;;) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The goroutine is parked yet still mounted: {@code VirtualThread.toString()} names a carrier only while mounted. */
    private static void assertPinned(GoHandle h, String runtimeName) {
        String s = h.thread().toString();
        assertTrue(s.contains("@" + runtimeName + "-m-"), "not mounted on a carrier while parked, so not pinned: " + s);
        assertEquals(Thread.State.WAITING, h.thread().getState(), s);
    }

    /**
     * procs=1: goroutine A parks pinned in a class initializer, holding the only P's carrier; B,
     * started after, runs anyway because sysmon hands the P to another carrier after
     * retakeAfter (20 ms).
     */
    @Test
    @Timeout(60)
    void goroutinePinnedInItsCarrierDoesNotStopItsPeers() throws Exception {
        String name = uniqueName("pinned");
        try (GoRuntime rt = GoRuntime.builder().name(name).procs(1).build()) {
            GoHandle a = rt.go("A", PinnedA::touch);
            await(A_ENTERED, WAIT, "A to enter the class initializer");
            awaitCondition(() -> a.thread().getState() == Thread.State.WAITING, WAIT, () -> "A to park");
            assertPinned(a, name);
            CountDownLatch bRan = new CountDownLatch(1);
            rt.go("B", bRan::countDown);
            await(bRan, WAIT, "B to run while A holds the only P's carrier");
            assertPinned(a, name);   // still stuck: B ran on another carrier
            assertTrue(rt.procStats().getFirst().handoffs() >= 1, rt.procStats()::toString);
            A_RELEASE.countDown();
            assertTrue(a.join(WAIT));
        }
    }

    /**
     * Go.blocking hands the P off before the call, not after retakeAfter: with retakeAfter at an
     * hour, B still runs while A blocks pinned inside Go.blocking; A then continues and ends.
     */
    @Test
    @Timeout(60)
    void goBlockingHandsThePOffBeforeTheCall() throws Exception {
        String name = uniqueName("blocking");
        try (GoRuntime rt = GoRuntime.builder().name(name).procs(1).retakeAfter(Duration.ofHours(1)).build()) {
            AtomicBoolean after = new AtomicBoolean();
            GoHandle a = rt.go("A", () -> {
                String result;
                try {
                    result = Go.blocking(() -> {
                        PinnedB.touch();
                        return "done";
                    });
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                after.set("done".equals(result));
            });
            await(B_ENTERED, WAIT, "A to enter the class initializer");
            awaitCondition(() -> a.thread().getState() == Thread.State.WAITING, WAIT, () -> "A to park");
            assertPinned(a, name);
            CountDownLatch bRan = new CountDownLatch(1);
            rt.go("B", bRan::countDown);
            await(bRan, WAIT, "B to run while A blocks in Go.blocking");
            B_RELEASE.countDown();
            assertTrue(a.join(WAIT));
            assertTrue(after.get(), "A did not get Go.blocking's result back");
            assertEquals(1, rt.procStats().getFirst().handoffs(), rt.procStats()::toString);
        }
    }

    /**
     * With every carrier allowed already in use (maxThreads == procs == 1) the stuck P cannot be
     * handed off: the runtime says so once, names maxThreads, and B runs as soon as A returns.
     */
    @Test
    @Timeout(60)
    void maxThreadsReachedIsReportedAndWorkWaits() throws Exception {
        ByteArrayOutputStream diag = new ByteArrayOutputStream();
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("maxthreads")).procs(1).maxThreads(1)
                .diagnostics(new PrintStream(diag, true, StandardCharsets.UTF_8)).build()) {
            GoHandle a = rt.go("A", PinnedC::touch);
            await(C_ENTERED, WAIT, "A to enter the class initializer");
            CountDownLatch bRan = new CountDownLatch(1);
            rt.go("B", bRan::countDown);
            awaitCondition(() -> diag.toString(StandardCharsets.UTF_8).contains("maxThreads"), WAIT,
                    () -> "a report naming maxThreads; diagnostics: " + diag.toString(StandardCharsets.UTF_8));
            assertEquals(1, bRan.getCount(), "B ran although no carrier was free");
            C_RELEASE.countDown();
            await(bRan, WAIT, "B to run once A returned");
            assertTrue(a.join(WAIT));
            String report = diag.toString(StandardCharsets.UTF_8);
            assertEquals(1, report.split("Reported once", -1).length - 1, "reported more than once: " + report);
        }
    }

    /**
     * Regression (found in review): a task inside Go.blocking that parks unmounts the
     * goroutine, whose M goes on without a P; when the goroutine came back in a later run,
     * Go.blocking took an idle P for the old M and left it MOUNTED by an M not running it,
     * unusable until sysmon's retakeAfter (here an hour). After 20 such calls, two goroutines
     * that can only finish if both Ps run them at once must still meet.
     */
    @Test
    @Timeout(60)
    void goBlockingWhoseTaskParksLeavesNoPBehind() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("blocking-park")).procs(2)
                .retakeAfter(Duration.ofHours(1)).build()) {
            GoHandle caller = rt.go(() -> {
                for (int i = 0; i < 20; i++) {
                    try {
                        Go.blocking(() -> {
                            Thread.sleep(5);   // parks: the goroutine unmounts inside blocking
                            return null;
                        });
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            assertTrue(caller.join(WAIT));
            AtomicInteger arrived = new AtomicInteger();
            AtomicInteger met = new AtomicInteger();
            CountDownLatch bothDone = new CountDownLatch(2);
            for (int i = 0; i < 2; i++) {
                rt.go(() -> {
                    arrived.incrementAndGet();
                    long deadline = System.nanoTime() + 10_000_000_000L;
                    while (arrived.get() < 2 && System.nanoTime() < deadline) {
                        Thread.onSpinWait();   // holds its P: the other needs the second one
                    }
                    if (arrived.get() == 2) {
                        met.incrementAndGet();
                    }
                    bothDone.countDown();
                });
            }
            await(bothDone, WAIT, "the two goroutines");
            assertEquals(2, met.get(), "the two goroutines never ran at once: a P was left unusable");
        }
    }

    /**
     * Regression (found in review): Go.blocking hands its P off while no M is free
     * (maxThreads == procs), so the P, with B queued on it, goes idle. An M that frees up must
     * take B from that idle P; it used to skip idle Ps when stealing, and B waited for the
     * blocking call to end.
     */
    @Test
    @Timeout(60)
    void workOnAnIdlePIsStolenWhenNoCarrierWasFree() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("idle-work")).procs(2).maxThreads(2).build()) {
            CountDownLatch hogRunning = new CountDownLatch(1), bRan = new CountDownLatch(1);
            AtomicBoolean hogStop = new AtomicBoolean();
            rt.go("hog", () -> {
                hogRunning.countDown();
                long end = System.nanoTime() + 100_000_000L;
                while (System.nanoTime() < end && !hogStop.get()) {
                    Thread.onSpinWait();
                }
            });
            await(hogRunning, WAIT, "the hog");
            GoHandle a = rt.go("A", () -> {
                Go.go(bRan::countDown);                 // B, on A's P
                try {
                    Go.blocking(() -> {
                        PinnedD.touch();               // blocks A's carrier until released
                        return null;
                    });
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await(D_ENTERED, WAIT, "A to block in the class initializer");
            await(bRan, WAIT, "B to run while A blocks and no carrier is free");
            D_RELEASE.countDown();
            assertTrue(a.join(WAIT));
        }
    }

    /**
     * Hand-off storm: procs=2, retakeAfter 1 ms, 8 goroutines passing 3 tokens round a ring,
     * each holder computing 1-3 ms, then starting 8 short goroutines and passing its token on.
     * Almost every run outlasts retakeAfter, so sysmon takes the P from under the running
     * goroutine while it still starts goroutines and readies the next holder, and the P's new
     * carrier pushes to the same run queue: with an unguarded push (no ownership CAS) two
     * producers corrupt the ring and children are lost or run twice. Every hop and every child
     * runs exactly once, no carrier fails, and once the storm is over the extra carriers retire.
     */
    @Test
    @Timeout(120)
    void handOffStormLosesNothingAndExtraCarriersRetire() throws Exception {
        int ring = 8, tokens = 3, totalHops = 1_500, childrenPerHop = 8;
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        ByteArrayOutputStream diag = new ByteArrayOutputStream();
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("storm")).procs(2)
                .retakeAfter(Duration.ofMillis(1)).preemptAfter(Duration.ofHours(1))
                .idleThreadTimeout(Duration.ofMillis(200))
                .uncaughtExceptionHandler((t, e) -> failures.add(e))
                .diagnostics(new PrintStream(diag, true, StandardCharsets.UTF_8)).build()) {
            AtomicIntegerArray held = new AtomicIntegerArray(ring);
            AtomicIntegerArray hopsBy = new AtomicIntegerArray(ring);
            AtomicInteger hops = new AtomicInteger();
            AtomicBoolean finished = new AtomicBoolean();
            AtomicInteger concurrentRuns = new AtomicInteger();
            AtomicInteger childrenStarted = new AtomicInteger(), childrenRun = new AtomicInteger();
            Thread[] threads = new Thread[ring];
            CountDownLatch allOut = new CountDownLatch(ring);
            for (int i = 0; i < ring; i++) {
                int me = i, next = (i + 1) % ring;
                threads[i] = rt.threadFactory().newThread(() -> {
                    try {
                        while (!finished.get()) {
                            int n = held.get(me);
                            if (n == 0 || !held.compareAndSet(me, n, n - 1)) {
                                if (n == 0) {
                                    LockSupport.park();
                                }
                                continue;
                            }
                            if (concurrentRuns.incrementAndGet() > tokens) {
                                failures.add(new AssertionError("more holders than tokens"));
                            }
                            long spin = 1_000_000L + (me * 250_000L);
                            for (long t0 = System.nanoTime(); System.nanoTime() - t0 < spin; ) {
                                Thread.onSpinWait();
                            }
                            concurrentRuns.decrementAndGet();
                            for (int c = 0; c < childrenPerHop; c++) {
                                childrenStarted.incrementAndGet();
                                Go.go(childrenRun::incrementAndGet);
                            }
                            hopsBy.incrementAndGet(me);
                            if (hops.incrementAndGet() >= totalHops) {
                                finished.set(true);
                                for (Thread t : threads) {
                                    LockSupport.unpark(t);
                                }
                            } else {
                                held.incrementAndGet(next);
                                LockSupport.unpark(threads[next]);
                            }
                        }
                    } finally {
                        allOut.countDown();
                    }
                });
            }
            for (int t = 0; t < tokens; t++) {
                held.incrementAndGet(t * ring / tokens);
            }
            for (Thread t : threads) {
                t.start();
            }
            int peak = rt.threads();
            while (allOut.getCount() > 0) {
                peak = Math.max(peak, rt.threads());
                allOut.await(1, java.util.concurrent.TimeUnit.MILLISECONDS);
            }
            awaitCondition(() -> childrenRun.get() >= childrenStarted.get(), WAIT,
                    () -> "children: " + childrenRun.get() + " of " + childrenStarted.get() + " ran");
            int hopsSeen = 0;
            for (int i = 0; i < ring; i++) {
                hopsSeen += hopsBy.get(i);
            }
            long handoffs = rt.procStats().stream().mapToLong(ProcStats::handoffs).sum();
            String summary = "hops " + hops.get() + ", per goroutine " + hopsBy + ", children "
                    + childrenRun.get() + " of " + childrenStarted.get() + ", hand-offs " + handoffs
                    + ", peak carriers " + peak + ", failures " + failures + ", diagnostics: "
                    + diag.toString(StandardCharsets.UTF_8);
            assertTrue(failures.isEmpty(), summary);
            assertTrue(hops.get() >= totalHops && hops.get() <= totalHops + tokens, summary);
            assertEquals(hops.get(), hopsSeen, summary);
            assertEquals(childrenStarted.get(), childrenRun.get(), summary);
            assertTrue(handoffs > 10, summary);
            assertTrue(peak > 2, "no carrier beyond procs was ever needed: " + summary);
            assertFalse(diag.toString(StandardCharsets.UTF_8).contains("failed"), summary);
            awaitCondition(() -> rt.threads() <= 2, WAIT,
                    () -> "extra carriers to retire after 200 ms idle; threads " + rt.threads());
        }
    }
}
