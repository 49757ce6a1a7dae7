package io.goloom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import static io.goloom.TestSupport.assertEachExactlyOnce;
import static io.goloom.TestSupport.await;
import static io.goloom.TestSupport.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An idle P steals from a busy one. */
class WorkStealingTest {

    /** Keeps the CPU busy a little, so that a queue of these takes a while to drain. */
    static volatile long sink;

    /**
     * procs=2 and a run queue large enough that nothing overflows to the global queue: one
     * goroutine spawns 10,000 CPU-light goroutines onto its own P and then keeps that P busy
     * until one of them has run elsewhere, which only stealing can achieve. Afterwards the other
     * P shows stealsIn > 0, the spawner's P stealsOut > 0, and both Ps ran goroutines.
     */
    @Test
    @Timeout(60)
    void idlePStealsFromBusyP() throws Exception {
        int n = 10_000;
        AtomicIntegerArray runs = new AtomicIntegerArray(n);
        AtomicInteger spawnerP = new AtomicInteger(-1);
        AtomicLong ranElsewhere = new AtomicLong();
        CountDownLatch done = new CountDownLatch(n);
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("steal")).procs(2).runQueueCapacity(16_384).build()) {
            GoHandle spawner = rt.go("spawner", () -> {
                int myP = Go.current().lastP();
                spawnerP.set(myP);
                for (int i = 0; i < n; i++) {
                    int id = i;
                    Go.go(() -> {
                        if (Go.current().lastP() != myP) {
                            ranElsewhere.incrementAndGet();
                        }
                        long x = id;
                        for (int k = 0; k < 2_000; k++) {
                            x = x * 6364136223846793005L + 1442695040888963407L;
                        }
                        sink = x;
                        runs.incrementAndGet(id);
                        done.countDown();
                    });
                }
                // Hold this P (never park or yield) until another P has run one of them.
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (ranElsewhere.get() == 0 && System.nanoTime() - deadline < 0) {
                    Thread.onSpinWait();
                }
            });
            await(done, Duration.ofSeconds(50), "the spawned goroutines");
            assertTrue(spawner.join(Duration.ofSeconds(10)));
            assertTrue(ranElsewhere.get() > 0, "no goroutine ran on the idle P within 30 s");

            List<ProcStats> stats = rt.procStats();
            int home = spawnerP.get(), other = 1 - home;
            ProcStats h = stats.get(home), o = stats.get(other);
            assertEquals(home, h.id());
            assertTrue(o.stealsIn() > 0, "the idle P stole nothing: " + stats);
            assertTrue(h.stealsOut() > 0, "nobody stole from the spawner's P: " + stats);
            assertTrue(h.goroutinesRun() > 0, "spawner's P ran nothing: " + stats);
            assertTrue(o.goroutinesRun() > 0, "the other P ran nothing: " + stats);
            long total = stats.stream().mapToLong(ProcStats::goroutinesRun).sum();
            assertTrue(total >= n + 1, "runs counted " + total + " < " + (n + 1) + ": " + stats);
        }
        assertEachExactlyOnce(runs, "spawned goroutines");
    }
}
