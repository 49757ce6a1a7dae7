package io.goloom;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static io.goloom.TestSupport.assertEachExactlyOnce;
import static io.goloom.TestSupport.await;
import static io.goloom.TestSupport.awaitCondition;
import static io.goloom.TestSupport.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A million goroutines, spawned from a goroutine or from a platform thread, each run exactly once. */
class MillionGoroutinesTest {

    private static final int FROM_GOROUTINE = 1_000_000;
    private static final int FROM_PLATFORM = 200_000;

    /** One goroutine spawns 1,000,000 goroutines (runnext, local queue, overflow to global); each runs once. */
    @ParameterizedTest(name = "procs={0}")
    @ValueSource(ints = {1, 2, 4})
    @Timeout(120)
    void millionSpawnedFromAGoroutineEachRunOnce(int procs) throws Exception {
        int n = FROM_GOROUTINE;
        AtomicIntegerArray runs = new AtomicIntegerArray(n);
        CountDownLatch done = new CountDownLatch(n);
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("million-g")).procs(procs).build()) {
            GoHandle spawner = rt.go("spawner", () -> {
                for (int i = 0; i < n; i++) {
                    int id = i;
                    Go.go(() -> {
                        runs.incrementAndGet(id);
                        done.countDown();
                    });
                }
            });
            await(done, Duration.ofSeconds(100), n + " goroutines to run");
            assertTrue(spawner.join(Duration.ofSeconds(10)), "spawner did not finish");
            awaitCondition(() -> rt.goroutines() == 0, Duration.ofSeconds(10),
                    () -> "live goroutine count to drop to 0, is " + rt.goroutines());
            long started = rt.procStats().stream().mapToLong(ProcStats::goroutinesRun).sum();
            assertTrue(started >= n + 1L, "ProcStats count " + started + " runs, expected at least " + (n + 1));
        }
        assertEachExactlyOnce(runs, "goroutines");
    }

    /** A platform thread spawns 200,000 goroutines (global queue + wakep); each runs once. */
    @ParameterizedTest(name = "procs={0}")
    @ValueSource(ints = {1, 2, 4})
    @Timeout(120)
    void manySpawnedFromAPlatformThreadEachRunOnce(int procs) throws Exception {
        int n = FROM_PLATFORM;
        AtomicIntegerArray runs = new AtomicIntegerArray(n);
        CountDownLatch done = new CountDownLatch(n);
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("million-p")).procs(procs).build()) {
            for (int i = 0; i < n; i++) {
                int id = i;
                rt.go(() -> {
                    runs.incrementAndGet(id);
                    done.countDown();
                });
            }
            await(done, Duration.ofSeconds(100), n + " goroutines to run");
            awaitCondition(() -> rt.goroutines() == 0, Duration.ofSeconds(10),
                    () -> "live goroutine count to drop to 0, is " + rt.goroutines());
            assertEquals(0, rt.globalQueueLength(), "global queue not empty after every goroutine ran");
        }
        assertEachExactlyOnce(runs, "goroutines");
    }
}
