package io.goloom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static io.goloom.TestSupport.await;
import static io.goloom.TestSupport.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Priority}: the order classes run in, a CRITICAL goroutine preempting a lower one, the
 * bounded share that keeps lower classes from starving, inheritance, and a storm of mixed
 * classes that loses and repeats nothing.
 */
class PriorityTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    /** One P and no time slice or retake of its own (1 h each): only priorities can take the P from a goroutine. */
    private static GoRuntime.Builder oneP(String name) {
        return GoRuntime.builder().name(uniqueName(name)).procs(1)
                .preemptAfter(Duration.ofHours(1)).retakeAfter(Duration.ofHours(1));
    }

    /** Starts a goroutine that spins on the only P, without checkpoints, until the returned flag is set. */
    private static AtomicBoolean holdTheOnlyP(GoRuntime rt) throws InterruptedException {
        AtomicBoolean release = new AtomicBoolean();
        CountDownLatch holding = new CountDownLatch(1);
        rt.go("holder", () -> {
            holding.countDown();
            while (!release.get()) {
                Thread.onSpinWait();
            }
        });
        await(holding, WAIT, "the holder to take the only P");
        return release;
    }

    /**
     * One P held by a goroutine that spins without checkpoints: goroutines of all four classes
     * started meanwhile, BULK first, CRITICAL last, all wait. Once it stops they run most urgent
     * first, whatever the order they were readied in.
     */
    @Test
    @Timeout(120)
    void classesRunMostUrgentFirst() throws Exception {
        try (GoRuntime rt = oneP("prio-order").build()) {
            AtomicBoolean release = holdTheOnlyP(rt);
            ConcurrentLinkedQueue<Priority> order = new ConcurrentLinkedQueue<>();
            CountDownLatch all = new CountDownLatch(4);
            for (Priority p : List.of(Priority.BULK, Priority.NORMAL, Priority.HIGH, Priority.CRITICAL)) {
                rt.go(p, () -> {
                    order.add(Go.current().priority());
                    all.countDown();
                });
            }
            release.set(true);
            await(all, WAIT, "the four goroutines");
            assertEquals(List.of(Priority.CRITICAL, Priority.HIGH, Priority.NORMAL, Priority.BULK), List.copyOf(order));
        }
    }

    /** Waiting goroutines of other classes show in schedtrace, scheddetail, the goroutine dump and the queue lengths. */
    @Test
    @Timeout(120)
    void classesAreVisibleWhereGoroutinesAre() throws Exception {
        try (GoRuntime rt = oneP("prio-visible").build()) {
            AtomicBoolean release = holdTheOnlyP(rt);
            CountDownLatch all = new CountDownLatch(3);
            GoHandle critical = rt.go(Priority.CRITICAL, "urgent-one", all::countDown);
            rt.go(Priority.HIGH, all::countDown);
            GoHandle bulk = rt.go(Priority.BULK, all::countDown);
            try {
                assertEquals(2, rt.urgentQueueLength());
                assertEquals(1, rt.bulkQueueLength());
                assertEquals(Map.of(Priority.CRITICAL, 1, Priority.HIGH, 1, Priority.NORMAL, 1, Priority.BULK, 1),
                        rt.goroutinesByPriority(), "three started goroutines and the holder");
                SchedTrace t = rt.schedtrace();
                assertEquals(2, t.urgentQueue());
                assertEquals(3, t.runQueue());
                assertTrue(t.line().endsWith(" policy=go bulkqueue=1 urgentqueue=2"), t.line());
                String detail = t.detail(rt.allGoroutines());
                assertTrue(detail.contains("  G" + critical.id() + ": status=1() m=-1 lockedm=-1 priority=CRITICAL\n"), detail);
                assertTrue(detail.contains("  G" + bulk.id() + ": status=1() m=-1 lockedm=-1 priority=BULK\n"), detail);
                String dump = rt.goroutineDump();
                assertTrue(dump.contains("goroutine " + critical.id() + " \"urgent-one\" runnable, created outside the runtime, priority CRITICAL\n"), dump);
            } finally {
                release.set(true);
            }
            await(all, WAIT, "the three goroutines");
            TestSupport.awaitCondition(() -> rt.goroutinesByPriority().get(Priority.CRITICAL) == 0
                    && rt.goroutinesByPriority().get(Priority.BULK) == 0, WAIT, () -> "the counts to drop: " + rt.goroutinesByPriority());
            assertEquals(0, rt.urgentQueueLength());
            assertFalse(rt.schedtrace().line().contains("urgentqueue"), rt.schedtrace().line());
        }
    }

    /**
     * One P held by a checkpointing NORMAL hog that no time slice preempts. A NORMAL goroutine
     * started from outside waits; a CRITICAL one started after it makes the hog yield at once and
     * runs first: it sees the NORMAL one not run yet. Without priorities neither would run until
     * the hog ends.
     */
    @Test
    @Timeout(120)
    void criticalGoroutinePreemptsALowerRun() throws Exception {
        try (GoRuntime rt = oneP("prio-preempt").build()) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong chunks = new AtomicLong();
            GoHandle hog = rt.go("hog", () -> {
                while (!stop.get()) {
                    chunks.incrementAndGet();
                    Go.checkpoint();
                }
            });
            TestSupport.awaitCondition(() -> chunks.get() > 0, WAIT, () -> "the hog to run");
            AtomicBoolean normalRan = new AtomicBoolean();
            CountDownLatch normalDone = new CountDownLatch(1);
            rt.go(() -> {
                normalRan.set(true);
                normalDone.countDown();
            });
            AtomicReference<Boolean> normalRanBeforeCritical = new AtomicReference<>();
            CountDownLatch criticalDone = new CountDownLatch(1);
            rt.go(Priority.CRITICAL, () -> {
                normalRanBeforeCritical.set(normalRan.get());
                criticalDone.countDown();
            });
            await(criticalDone, WAIT, "the CRITICAL goroutine while the hog holds the P");
            assertFalse(normalRanBeforeCritical.get(), "the NORMAL goroutine ran before the CRITICAL one");
            await(normalDone, WAIT, "the NORMAL goroutine after the CRITICAL one (the hog's yield put it behind)");
            stop.set(true);
            assertTrue(hog.join(WAIT));
            assertTrue(rt.procStats().getFirst().preemptions() >= 1, () -> rt.procStats().toString());
        }
    }

    /**
     * Under the fair policy a run asked to make room for a CRITICAL goroutine has not used its
     * slice: it yields to the normal lane, not the bulk lane. One P, a slice of 1 s and a bulk
     * turn of 10 s; a NORMAL worker computes with checkpoints beside a NORMAL goroutine that
     * yields in a loop (so normal work always waits). After a CRITICAL goroutine made the worker
     * yield, the worker runs again within milliseconds; demoted, it would wait for the bulk
     * lane's turn, 10 s.
     */
    @Test
    @Timeout(120)
    void fairDoesNotDemoteARunThatYieldedForAnUrgentGoroutine() throws Exception {
        try (GoRuntime rt = oneP("prio-fair").policy(SchedulingPolicy.fair(Duration.ofSeconds(1), Duration.ofSeconds(10)))
                .build()) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong chunks = new AtomicLong();
            GoHandle worker = rt.go("worker", () -> {
                while (!stop.get()) {
                    chunks.incrementAndGet();
                    Go.checkpoint();
                }
            });
            GoHandle yielder = rt.go("yielder", () -> {
                while (!stop.get()) {
                    Go.yield();
                }
            });
            TestSupport.awaitCondition(() -> chunks.get() > 0, WAIT, () -> "the worker to run");
            long[] at = new long[1];
            CountDownLatch criticalRan = new CountDownLatch(1);
            rt.go(Priority.CRITICAL, () -> {
                at[0] = chunks.get();
                criticalRan.countDown();
            });
            await(criticalRan, WAIT, "the CRITICAL goroutine");
            long ranAt = System.nanoTime();
            TestSupport.awaitCondition(() -> chunks.get() > at[0], WAIT, () -> "the worker to run again");
            long waited = System.nanoTime() - ranAt;
            stop.set(true);
            assertTrue(worker.join(WAIT) && yielder.join(WAIT));
            // Quiet machine: well under a millisecond. Generous for a loaded one; demoted: 10 s.
            assertTrue(waited < 5_000_000_000L, "the worker waited " + waited / 1e6 + " ms after the CRITICAL goroutine ran");
        }
    }

    /**
     * One P and one goroutine of each class, all yielding in a loop, so every class always has
     * work. Each lower class keeps its documented share: NORMAL one pick in
     * {@value Priority#URGENT_TURNS} + 1, HIGH one in {@value Priority#URGENT_TURNS} + 1 of the
     * urgent picks, BULK a 1 ms turn every 50 ms. And the higher classes keep theirs: CRITICAL
     * runs most.
     */
    @Test
    @Timeout(120)
    void lowerClassesKeepTheirShare() throws Exception {
        try (GoRuntime rt = oneP("prio-share").build()) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong[] runs = new AtomicLong[4];
            CountDownLatch started = new CountDownLatch(4);
            CountDownLatch go = new CountDownLatch(1);
            List<GoHandle> hs = new ArrayList<>();
            for (Priority p : Priority.values()) {
                AtomicLong n = runs[p.ordinal()] = new AtomicLong();
                hs.add(rt.go(p, () -> {
                    started.countDown();
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    while (!stop.get()) {
                        n.incrementAndGet();
                        Go.yield();
                    }
                }));
            }
            await(started, WAIT, "the four goroutines");
            long t0 = System.nanoTime();
            go.countDown();
            TestSupport.awaitCondition(() -> runs[0].get() >= 200_000 && System.nanoTime() - t0 > 500_000_000L, WAIT,
                    () -> "CRITICAL's 200,000 runs");
            stop.set(true);
            for (GoHandle h : hs) {
                assertTrue(h.join(WAIT), h + " did not end");
            }
            long c = runs[0].get(), h = runs[1].get(), n = runs[2].get(), b = runs[3].get();
            String counts = "CRITICAL " + c + ", HIGH " + h + ", NORMAL " + n + ", BULK " + b;
            int turns = Priority.URGENT_TURNS;
            // urgent picks : NORMAL picks = turns : 1, and of the urgent ones HIGH gets 1 in turns + 1.
            double urgent = c + h;
            assertTrue(n >= urgent / turns * 0.8 && n <= urgent / turns * 1.25, "NORMAL's share: " + counts);
            assertTrue(h >= urgent / (turns + 1) * 0.8 && h <= urgent / (turns + 1) * 1.25, "HIGH's share: " + counts);
            // BULK: a turn every 50 ms for a 1 ms slice, in which it takes the lower classes' picks:
            // about 1.4% of NORMAL's picks here; it must move, and stay well below NORMAL.
            assertTrue(b >= 2 && b <= n / 10, "BULK's turns: " + counts);
        }
    }

    /**
     * One P, a checkpointing CRITICAL hog with the default slices, and a NORMAL goroutine that
     * takes 20 steps, yielding after each: every step waits for a lower-class turn, which comes
     * after at most {@value Priority#URGENT_TURNS} urgent runs of about a millisecond each. Without
     * the turns it would never run.
     */
    @Test
    @Timeout(120)
    void anUrgentHogLeavesLowerClassesTheirTurns() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("prio-hog")).procs(1).build()) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong chunks = new AtomicLong();
            GoHandle hog = rt.go(Priority.CRITICAL, "critical-hog", () -> {
                while (!stop.get()) {
                    chunks.incrementAndGet();
                    Go.checkpoint();
                }
            });
            TestSupport.awaitCondition(() -> chunks.get() > 0, WAIT, () -> "the hog to run");
            long[] maxGap = new long[1];
            CountDownLatch done = new CountDownLatch(1);
            rt.go(() -> {
                long last = System.nanoTime();
                for (int i = 0; i < 20; i++) {
                    Go.yield();
                    long now = System.nanoTime();
                    maxGap[0] = Math.max(maxGap[0], now - last);
                    last = now;
                }
                done.countDown();
            });
            await(done, WAIT, "the NORMAL goroutine's 20 steps beside a CRITICAL hog");
            stop.set(true);
            assertTrue(hog.join(WAIT));
            // Quiet machine: 8 slices of 1-3.5 ms (sysmon's rounds). Generous for a loaded one.
            assertTrue(maxGap[0] < 2_000_000_000L, "longest wait for a turn " + maxGap[0] / 1e6 + " ms");
        }
    }

    @Test
    @Timeout(60)
    void childrenInheritTheirCreatorsClassUnlessGivenOne() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("prio-inherit")).procs(2).build()) {
            ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
            CountDownLatch done = new CountDownLatch(5);
            GoHandle parent = rt.go(Priority.HIGH, "parent", () -> {
                Go.go(() -> {
                    seen.add("go:" + Go.current().priority());
                    done.countDown();
                });
                rt.go(Priority.BULK, () -> {
                    seen.add("given:" + Go.current().priority());
                    Go.go(() -> {
                        seen.add("grandchild:" + Go.current().priority());
                        done.countDown();
                    });
                    done.countDown();
                });
                Thread.ofVirtual().start(() -> {
                    seen.add("ofVirtual:" + Go.current().priority());
                    done.countDown();
                });
                rt.threadFactory().newThread(() -> {
                    seen.add("factory:" + Go.current().priority());
                    done.countDown();
                }).start();
            });
            assertEquals(Priority.HIGH, parent.priority());
            await(done, WAIT, "the children");
            assertEquals(List.of("factory:HIGH", "given:BULK", "go:HIGH", "grandchild:BULK", "ofVirtual:HIGH"),
                    seen.stream().sorted().toList());
            assertEquals(Priority.NORMAL, rt.go(() -> { }).priority(), "started from outside: NORMAL");
            Thread t = rt.threadFactory(Priority.CRITICAL).newThread(() -> { });
            t.start();
            t.join();
            assertThrows(NullPointerException.class, () -> rt.go((Priority) null, () -> { }));
            assertThrows(NullPointerException.class, () -> rt.threadFactory(null));
        }
    }

    /**
     * Two Ps. Park/unpark pairs whose ends are of different classes stay in step (a lost wake-up
     * stalls a pair), and a spawn storm of goroutines of random classes runs each exactly once,
     * while checkpointing NORMAL and BULK hogs keep the Ps busy and get preempted for the urgent
     * ones. (Urgent hogs would only slow the storm down to the lower classes' share: the next
     * test.)
     */
    @Test
    @Timeout(180)
    void mixedClassesLoseNoGoroutineAndRunNoneTwice() throws Exception {
        Priority[] classes = Priority.values();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> error = new AtomicReference<>();
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("prio-storm")).procs(2).build()) {
            List<GoHandle> workers = new ArrayList<>();
            AtomicLong hogChunks = new AtomicLong();
            for (Priority p : List.of(Priority.NORMAL, Priority.BULK, Priority.NORMAL)) {
                workers.add(rt.go(p, "hog-" + p, () -> {
                    while (!stop.get()) {
                        hogChunks.incrementAndGet();
                        Go.checkpoint();
                    }
                }));
            }
            int pairs = 8;
            long[][] pongs = new long[pairs][2];
            for (int i = 0; i < pairs; i++) {
                int pair = i;
                AtomicLong turn = new AtomicLong();
                Thread[] ends = new Thread[2];
                CountDownLatch endsKnown = new CountDownLatch(1);
                for (int side = 0; side < 2; side++) {
                    int me = side;
                    GoHandle h = rt.go(classes[(pair + side) % classes.length], "pong-" + pair + "-" + me, () -> {
                        try {
                            endsKnown.await();
                        } catch (InterruptedException e) {
                            return;
                        }
                        while (!stop.get()) {
                            if (turn.get() != me) {
                                LockSupport.park();
                                continue;
                            }
                            pongs[pair][me]++;
                            turn.set(1 - me);
                            LockSupport.unpark(ends[1 - me]);
                        }
                        LockSupport.unpark(ends[1 - me]);
                    });
                    ends[me] = h.thread();
                    workers.add(h);
                }
                endsKnown.countDown();
            }
            int rounds = 20, n = 2_000;
            for (int round = 0; round < rounds && error.get() == null; round++) {
                AtomicIntegerArray ran = new AtomicIntegerArray(n);
                CountDownLatch all = new CountDownLatch(n);
                GoHandle spawner = rt.go(classes[round % classes.length], () -> {
                    for (int k = 0; k < n; k++) {
                        int slot = k;
                        rt.go(classes[ThreadLocalRandom.current().nextInt(classes.length)], () -> {
                            if (ran.incrementAndGet(slot) != 1) {
                                error.compareAndSet(null, "goroutine " + slot + " ran twice");
                            }
                            all.countDown();
                        });
                    }
                });
                await(all, WAIT, "round " + round + "'s " + n + " goroutines");
                assertTrue(spawner.join(WAIT));
                TestSupport.assertEachExactlyOnce(ran, "round " + round);
            }
            stop.set(true);
            for (GoHandle h : workers) {
                assertTrue(h.join(WAIT), () -> h + " did not end: " + rt.schedtrace().line());
            }
            assertNull(error.get());
            for (int i = 0; i < pairs; i++) {
                long d = pongs[i][0] - pongs[i][1];
                assertTrue(d == 0 || d == 1, "pair " + i + " out of step: " + pongs[i][0] + " vs " + pongs[i][1]);
                assertTrue(pongs[i][0] > 0, "pair " + i + " never ran");
            }
            assertTrue(hogChunks.get() > 0);
            assertEquals(0, rt.bulkQueueLength(), "goroutines left in the bulk lane");
        }
    }
}
