package io.goloom.sync;

import io.goloom.chan.Env;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Go's sync.Once: one run under a race, every caller waits for it, a throwing run still counts. */
class OnceTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /**
     * 8 goroutines race into run() 200 times (a fresh Once each round, released together by a
     * barrier): f runs exactly once per round, and no caller returns before f returned (every
     * caller sees f's write).
     */
    @ParameterizedTest
    @EnumSource(Env.Kind.class)
    @Timeout(60)
    void runsOnceUnderARace(Env.Kind kind) throws Exception {
        int racers = 8, rounds = 200;
        try (Env env = Env.of(kind)) {
            env.run(WAIT, () -> {
                for (int r = 0; r < rounds; r++) {
                    Once once = new Once();
                    AtomicInteger runs = new AtomicInteger();
                    int[] value = {0};           // plain field: Once must publish f's writes
                    CyclicBarrier start = new CyclicBarrier(racers);
                    CountDownLatch finished = new CountDownLatch(racers);
                    AtomicInteger sawValue = new AtomicInteger();
                    for (int i = 0; i < racers; i++) {
                        env.go(() -> {
                            start.await();
                            once.run(() -> {
                                runs.incrementAndGet();
                                Thread.yield();
                                value[0] = 42;
                            });
                            if (value[0] == 42) {
                                sawValue.incrementAndGet();
                            }
                            assertTrue(once.isDone());
                            finished.countDown();
                        });
                    }
                    assertTrue(finished.await(WAIT.toSeconds(), TimeUnit.SECONDS));
                    assertEquals(1, runs.get(), "round " + r);
                    assertEquals(racers, sawValue.get(), "a caller returned before f had run");
                }
            });
        }
    }

    /** Callers arriving while f runs wait for it to return, then return without running theirs. */
    @Test
    @Timeout(30)
    void latecomersWaitForTheRun() throws Exception {
        try (Env env = Env.goloom()) {
            env.run(WAIT, () -> {
                Once once = new Once();
                CountDownLatch inside = new CountDownLatch(1), release = new CountDownLatch(1);
                env.go(() -> once.run(() -> {
                    inside.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }));
                inside.await();
                assertFalse(once.isDone(), "done before f returned");
                AtomicInteger others = new AtomicInteger();
                Thread late = env.go(() -> once.run(others::incrementAndGet));
                Env.awaitBlocked(late);
                assertFalse(late.join(Duration.ofMillis(30)), "a latecomer did not wait for the run");
                release.countDown();
                assertTrue(late.join(WAIT));
                assertEquals(0, others.get());
                assertTrue(once.isDone());
            });
        }
    }

    /**
     * A throwing f still counts as the run (Go): the exception reaches only its caller, callers
     * waiting meanwhile and later ones return without running anything.
     */
    @Test
    @Timeout(30)
    void throwingRunStillCountsAsDone() throws Exception {
        try (Env env = Env.goloom()) {
            env.run(WAIT, () -> {
                Once once = new Once();
                RuntimeException boom = new IllegalStateException("boom");
                CountDownLatch inside = new CountDownLatch(1), release = new CountDownLatch(1);
                AtomicInteger others = new AtomicInteger();
                Thread first = env.go(() -> assertSame(boom, assertThrows(IllegalStateException.class, () -> once.run(() -> {
                    inside.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    throw boom;
                }))));
                inside.await();
                Thread waiting = env.go(() -> once.run(others::incrementAndGet));
                Env.awaitBlocked(waiting);
                release.countDown();
                assertTrue(first.join(WAIT));
                assertTrue(waiting.join(WAIT));
                assertTrue(once.isDone());
                once.run(others::incrementAndGet);
                assertEquals(0, others.get(), "f ran again after a throwing run");
            });
        }
    }

    /** Calling run from inside f throws instead of deadlocking (Go deadlocks); null is rejected. */
    @Test
    void reentrantRunAndNull() {
        Once once = new Once();
        assertThrows(NullPointerException.class, () -> once.run(null));
        assertFalse(once.isDone());
        assertThrows(IllegalStateException.class, () -> once.run(() -> once.run(() -> { })));
        assertTrue(once.isDone());
    }
}
