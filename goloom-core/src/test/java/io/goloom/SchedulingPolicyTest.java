package io.goloom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static io.goloom.TestSupport.await;
import static io.goloom.TestSupport.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link SchedulingPolicy}: the fair policy's ordering and its bounded bulk share, a hot swap
 * under load that loses and repeats no goroutine, bad input, and what schedtrace shows.
 */
class SchedulingPolicyTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    /** A checkpointing CPU hog that counts its chunks of work until {@code stop}. */
    private static Runnable hog(AtomicLong chunks, AtomicBoolean stop) {
        return () -> {
            long x = 0;
            while (!stop.get()) {
                for (int k = 0; k < 200; k++) {
                    x = x * 6364136223846793005L + 1442695040888963407L;
                }
                chunks.incrementAndGet();
                Go.checkpoint();
            }
            if (x == 42) {
                System.out.print("");   // consumes x
            }
        };
    }

    /**
     * One P, two hogs, no time slice of its own (preemptAfter 1 h) and a bulk turn too long to
     * come (10 s): one hog runs, the other waits in the bulk lane. A goroutine started from a
     * platform thread must run before the waiting hog runs again: at most one hog's count moves
     * between its submission and its start. Were preempted hogs put in the global queue's normal
     * lane, as Go's policy puts them, the goroutine would wait behind one: both counts move.
     */
    @Test
    @Timeout(120)
    void fairRunsAReadiedGoroutineBeforeAPreemptedHog() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong a = new AtomicLong(), b = new AtomicLong();
        // retakeAfter 1 h too: on a loaded machine the OS may hold a hog's carrier past 20 ms, and
        // a hand-off would then run both hogs at once, which is not what this test is about.
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("fair-order")).procs(1)
                .preemptAfter(Duration.ofHours(1)).retakeAfter(Duration.ofHours(1))
                .policy(SchedulingPolicy.fair(Duration.ofMillis(1), Duration.ofSeconds(10))).build()) {
            GoHandle ha = rt.go("hog-a", hog(a, stop)), hb = rt.go("hog-b", hog(b, stop));
            TestSupport.awaitCondition(() -> a.get() > 0 && b.get() > 0, WAIT, () -> "both hogs to run");
            int probes = 50, bothMoved = 0;
            StringBuilder moves = new StringBuilder();
            for (int i = 0; i < probes; i++) {
                long a0 = a.get(), b0 = b.get();
                long[] seen = new long[2];
                CountDownLatch ran = new CountDownLatch(1);
                rt.go(() -> {
                    seen[0] = a.get();   // the only P is ours: neither hog runs now
                    seen[1] = b.get();
                    ran.countDown();
                });
                await(ran, WAIT, "probe " + i + " to run while the hogs compute");
                if (seen[0] > a0 && seen[1] > b0) {
                    bothMoved++;
                    moves.append(String.format(" probe %d: a +%d, b +%d;", i, seen[0] - a0, seen[1] - b0));
                }
            }
            stop.set(true);
            assertTrue(ha.join(WAIT) && hb.join(WAIT), "hogs did not stop");
            assertEquals(0, bothMoved, "a waiting hog ran before a readied goroutine:" + moves);
        }
    }

    /**
     * One P kept busy by three short goroutines that yield to the global queue in turn, so it
     * always has normal work, and a hog that needs about 30 ms of CPU: the hog still finishes,
     * because the bulk lane gets a turn every bulkTurn (20 ms here), for a slice. The gap between
     * its runs stays near that bound; without bulk turns it never runs again while the others do.
     */
    @Test
    @Timeout(120)
    void bulkLaneProgressesUnderAStreamOfShortWork() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("fair-bulk")).procs(1)
                .policy(SchedulingPolicy.fair(Duration.ofMillis(1), Duration.ofMillis(20))).build()) {
            long[] maxGap = new long[1];
            CountDownLatch hogDone = new CountDownLatch(1);
            CountDownLatch shortStarted = new CountDownLatch(3);
            GoHandle hog = rt.go("hog", () -> {
                awaitUninterruptibly(shortStarted);
                long cpuNeeded = 30_000_000L, ran = 0, last = System.nanoTime();
                while (ran < cpuNeeded) {
                    long t = System.nanoTime();
                    long gap = t - last;
                    if (gap > 200_000) {
                        maxGap[0] = Math.max(maxGap[0], gap);   // it was off the P: a wait
                    } else {
                        ran += gap;
                    }
                    last = t;
                    Go.checkpoint();
                }
                hogDone.countDown();
            });
            AtomicLong shortRuns = new AtomicLong();
            List<GoHandle> shorts = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                shorts.add(rt.go("short-" + i, () -> {
                    shortStarted.countDown();
                    while (!stop.get()) {
                        long end = System.nanoTime() + 100_000;
                        while (System.nanoTime() < end) {
                            Thread.onSpinWait();
                        }
                        shortRuns.incrementAndGet();
                        Go.yield();
                    }
                }));
            }
            await(hogDone, WAIT, "the hog's 30 ms of CPU while short work saturates the P");
            stop.set(true);
            assertTrue(hog.join(WAIT), "hog did not end");
            for (GoHandle h : shorts) {
                assertTrue(h.join(WAIT), h + " did not end");
            }
            // Quiet machine: gaps of ~20-25 ms. Generous for a loaded one; without turns: no end.
            assertTrue(maxGap[0] < 2_000_000_000L, "longest wait of the hog " + maxGap[0] / 1e6 + " ms");
            assertTrue(shortRuns.get() > 100, "short work ran " + shortRuns.get() + " times");
        }
    }

    /** Awaits {@code latch} in a goroutine, which has no test to fail: the test's own waits time out instead. */
    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * 1,000 swaps between Go's policy and a fair one with the shortest slice and bulk turn,
     * each after the runtime has made some scheduling decisions, during a spawn storm (every
     * goroutine must run exactly once), a park/unpark storm (a lost wake-up stalls a pair) and
     * checkpointing hogs (whose preemptions go to either lane, depending on the policy then).
     */
    @Test
    @Timeout(180)
    void swapsUnderLoadLoseNoGoroutineAndRunNoneTwice() throws Exception {
        SchedulingPolicy fast = SchedulingPolicy.fair(SchedulingPolicy.FairPolicy.MIN_SLICE,
                SchedulingPolicy.FairPolicy.MIN_BULK_TURN);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong progress = new AtomicLong();
        AtomicReference<String> error = new AtomicReference<>();
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("swap")).procs(2).build()) {
            List<GoHandle> workers = new ArrayList<>();
            AtomicLong hogChunks = new AtomicLong();
            for (int i = 0; i < 2; i++) {
                workers.add(rt.go("hog-" + i, hog(hogChunks, stop)));
            }
            int pairs = 8;
            long[][] pongs = new long[pairs][2];
            for (int i = 0; i < pairs; i++) {
                int pair = i;
                AtomicInteger turn = new AtomicInteger();
                Thread[] ends = new Thread[2];
                CountDownLatch endsKnown = new CountDownLatch(1);   // ends[] is written before either reads it
                for (int side = 0; side < 2; side++) {
                    int me = side;
                    GoHandle h = rt.go("pong-" + pair + "-" + me, () -> {
                        awaitUninterruptibly(endsKnown);
                        while (!stop.get()) {
                            if (turn.get() != me) {
                                LockSupport.park();
                                continue;
                            }
                            pongs[pair][me]++;
                            progress.incrementAndGet();
                            turn.set(1 - me);
                            LockSupport.unpark(ends[1 - me]);
                        }
                        LockSupport.unpark(ends[1 - me]);   // the other may be parked: let it see stop
                    });
                    ends[me] = h.thread();
                    workers.add(h);
                }
                endsKnown.countDown();
            }
            GoHandle spawner = rt.go("spawner", () -> {
                for (int round = 0; !stop.get(); round++) {
                    int n = 2_000;
                    AtomicIntegerArray runs = new AtomicIntegerArray(n);
                    CountDownLatch all = new CountDownLatch(n);
                    for (int k = 0; k < n; k++) {
                        int slot = k;
                        Go.go(() -> {
                            if (runs.incrementAndGet(slot) != 1) {
                                error.compareAndSet(null, "goroutine " + slot + " ran twice");
                            }
                            progress.incrementAndGet();
                            all.countDown();
                        });
                    }
                    try {
                        if (!all.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                            error.compareAndSet(null, "round " + round + ": " + all.getCount() + " goroutines never ran");
                            return;
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            workers.add(spawner);

            int swaps = 1_000;
            long deadline = System.nanoTime() + WAIT.toNanos();
            for (int i = 0; i < swaps && error.get() == null; i++) {
                rt.setPolicy(i % 2 == 0 ? fast : SchedulingPolicy.go());
                long seen = progress.get();
                while (progress.get() < seen + 100) {   // some decisions under this policy
                    assertTrue(System.nanoTime() < deadline, () -> "no progress after swap: " + rt.schedtrace().line());
                    Thread.onSpinWait();
                }
            }
            assertSame(SchedulingPolicy.go(), rt.policy());
            stop.set(true);
            for (GoHandle h : workers) {
                assertTrue(h.join(WAIT), () -> h + " did not end: " + rt.schedtrace().line());
            }
            assertNull(error.get());
            for (int i = 0; i < pairs; i++) {
                long d = pongs[i][0] - pongs[i][1];
                assertTrue(d == 0 || d == 1, "pair " + i + " out of step: " + pongs[i][0] + " vs " + pongs[i][1]);
            }
            assertTrue(hogChunks.get() > 0);
            assertEquals(0, rt.bulkQueueLength(), "goroutines left in the bulk lane");
        }
    }

    @Test
    void fairRejectsOutOfRangeValuesNamingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SchedulingPolicy.fair(Duration.ofNanos(99_999), Duration.ofMillis(50)));
        assertEquals("SchedulingPolicy.fair: slice must be in [PT0.0001S, PT1S], was PT0.000099999S", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SchedulingPolicy.fair(Duration.ofMillis(1), Duration.ofSeconds(11)));
        assertEquals("SchedulingPolicy.fair: bulkTurn must be in [PT0.001S, PT10S], was PT11S", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SchedulingPolicy.fair(Duration.ofMillis(-1), Duration.ofMillis(50)));
        assertThrows(NullPointerException.class, () -> SchedulingPolicy.fair(null, Duration.ofMillis(50)));
        assertThrows(NullPointerException.class, () -> SchedulingPolicy.fair(Duration.ofMillis(1), null));
        assertThrows(NullPointerException.class, () -> GoRuntime.builder().policy(null));
        SchedulingPolicy.FairPolicy bounds = (SchedulingPolicy.FairPolicy) SchedulingPolicy.fair(
                SchedulingPolicy.FairPolicy.MAX_SLICE, SchedulingPolicy.FairPolicy.MAX_BULK_TURN);
        assertEquals(Duration.ofSeconds(1), bounds.slice());
        assertEquals(10_000_000_000L, bounds.bulkTurnNanos());
    }

    @Test
    @Timeout(60)
    void policyIsTheBuildersThenTheLastSwapAndSchedtraceShowsIt() {
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("policy")).procs(1).build()) {
            assertSame(SchedulingPolicy.go(), rt.policy());
            String line = rt.schedtrace().line();
            assertFalse(line.contains("policy="), "Go's line, unchanged under Go's policy: " + line);
            assertThrows(NullPointerException.class, () -> rt.setPolicy(null));
            rt.setPolicy(SchedulingPolicy.fair());
            assertSame(SchedulingPolicy.fair(), rt.policy());
            SchedTrace t = rt.schedtrace();
            assertEquals("fair", t.policy());
            assertEquals(0, t.bulkQueue());
            assertTrue(t.line().endsWith("] policy=fair bulkqueue=0"), t.line());
        }
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("policy")).procs(1)
                .policy(SchedulingPolicy.fair()).build()) {
            assertEquals("fair", rt.policy().name());
        }
    }
}
