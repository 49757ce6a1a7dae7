package io.goloom;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

import static io.goloom.TestSupport.await;
import static io.goloom.TestSupport.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Park/unpark storm: 2,000 goroutines park in a loop and are unparked, in lock-step rounds, by
 * goroutines and by platform threads; a single lost wake-up stalls its round forever, so the
 * test's {@code @Timeout} is what fails on a lost wake-up.
 */
class ParkUnparkStormTest {

    private static final int PARKERS = 2_000;
    private static final int ROUNDS = 40;
    private static final int GOROUTINE_GRANTERS = 4;
    private static final int PLATFORM_GRANTERS = 2;

    /**
     * Each parker i waits (park loop) for grant[i] to reach round r; its granter grants round r
     * to all its parkers (one unpark each), then waits on a latch that every parker counts down.
     * Noise goroutines and a noise platform thread add spurious unparks (permits already there).
     */
    @ParameterizedTest(name = "procs={0}")
    @ValueSource(ints = {1, 2, 4})
    @Timeout(120)
    void noWakeUpIsLost(int procs) throws Exception {
        int granters = GOROUTINE_GRANTERS + PLATFORM_GRANTERS;
        AtomicIntegerArray grant = new AtomicIntegerArray(PARKERS);
        AtomicIntegerArray consumed = new AtomicIntegerArray(PARKERS);
        AtomicReferenceArray<CountDownLatch> roundLatch = new AtomicReferenceArray<>(granters);
        Thread[] parkers = new Thread[PARKERS];
        AtomicReference<Throwable> error = new AtomicReference<>();
        CountDownLatch parkersDone = new CountDownLatch(PARKERS);
        CountDownLatch grantersDone = new CountDownLatch(granters);
        AtomicInteger stop = new AtomicInteger();

        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("storm")).procs(procs).build()) {
            for (int i = 0; i < PARKERS; i++) {
                int me = i, granter = i % granters;
                parkers[i] = rt.go("parker-" + i, () -> {
                    for (int r = 1; r <= ROUNDS; r++) {
                        while (grant.get(me) < r) {
                            LockSupport.park();
                        }
                        consumed.incrementAndGet(me);
                        roundLatch.get(granter).countDown();
                    }
                    parkersDone.countDown();
                }).thread();
            }

            List<Thread> platformGranters = new ArrayList<>();
            for (int k = 0; k < granters; k++) {
                int granter = k;
                Runnable body = () -> {
                    try {
                        int mine = 0;
                        for (int i = granter; i < PARKERS; i += granters) {
                            mine++;
                        }
                        for (int r = 1; r <= ROUNDS; r++) {
                            CountDownLatch latch = new CountDownLatch(mine);
                            roundLatch.set(granter, latch);        // before the grants that let parkers read it
                            for (int i = granter; i < PARKERS; i += granters) {
                                grant.set(i, r);
                                LockSupport.unpark(parkers[i]);
                            }
                            latch.await();
                        }
                    } catch (Throwable t) {
                        error.compareAndSet(null, t);
                    } finally {
                        grantersDone.countDown();
                    }
                };
                if (k < GOROUTINE_GRANTERS) {
                    rt.go("granter-" + k, body);
                } else {
                    Thread t = Thread.ofPlatform().name("platform-granter-" + k).daemon().start(body);
                    platformGranters.add(t);
                }
            }

            // Spurious unparks from a goroutine and from a platform thread until the storm ends.
            Runnable noise = () -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                while (stop.get() == 0) {
                    for (int j = 0; j < 64; j++) {
                        LockSupport.unpark(parkers[rnd.nextInt(PARKERS)]);
                    }
                    Thread.yield();
                }
            };
            GoHandle noiseG = rt.go("noise", noise);
            Thread noiseP = Thread.ofPlatform().name("noise-platform").daemon().start(noise);

            try {
                await(grantersDone, Duration.ofSeconds(100), "every round of every granter (a stuck round is a lost wake-up)");
                await(parkersDone, Duration.ofSeconds(10), "every parker to finish");
            } finally {
                stop.set(1);
            }
            assertTrue(noiseG.join(Duration.ofSeconds(10)));
            noiseP.join(Duration.ofSeconds(10));
            for (Thread t : platformGranters) {
                assertTrue(t.join(Duration.ofSeconds(10)));
            }
        }
        assertNull(error.get());
        for (int i = 0; i < PARKERS; i++) {
            assertEquals(ROUNDS, consumed.get(i), "rounds seen by parker " + i);
        }
    }
}
