package io.goloom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.goloom.TestSupport.await;
import static io.goloom.TestSupport.awaitCondition;
import static io.goloom.TestSupport.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Per-P timers: Go.sleep, GoTimer (newTimer, afterFunc, stop, reset), GoTicker. */
class TimerTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Lateness allowed for one wake-up: these machines are two shared, often loaded, cores. */
    private static final long LATE_NANOS = 500_000_000L;

    private static GoRuntime runtime(int procs) {
        return GoRuntime.builder().name(uniqueName("timer")).procs(procs).build();
    }

    /**
     * 256 goroutines sleep 1-4 ms 20 times each: no wake-up comes early, none is lost, and the
     * wake-ups came from the P heaps (ProcStats), not from the JDK's timer threads.
     */
    @Test
    @Timeout(120)
    void goSleepNeverWakesEarlyAndNeverLosesAWakeUp() throws Exception {
        try (GoRuntime rt = runtime(2)) {
            int n = 256, rounds = 20;
            AtomicLong early = new AtomicLong(), wakeUps = new AtomicLong(), maxLate = new AtomicLong();
            CountDownLatch done = new CountDownLatch(n);
            for (int i = 0; i < n; i++) {
                long nanos = (1 + i % 4) * 1_000_000L;
                rt.go(() -> {
                    try {
                        for (int r = 0; r < rounds; r++) {
                            long t0 = System.nanoTime();
                            Go.sleep(Duration.ofNanos(nanos));
                            long slept = System.nanoTime() - t0;
                            if (slept < nanos) {
                                early.incrementAndGet();
                            }
                            maxLate.accumulateAndGet(slept - nanos, Math::max);
                            wakeUps.incrementAndGet();
                        }
                    } catch (InterruptedException e) {
                        fail(e);
                    }
                    done.countDown();
                });
            }
            await(done, WAIT, "the sleepers");
            assertEquals(0, early.get(), "wake-ups before the requested time");
            assertEquals((long) n * rounds, wakeUps.get());
            assertTrue(maxLate.get() < LATE_NANOS, () -> "latest wake-up " + maxLate.get() / 1e6 + " ms late");
            long fired = rt.procStats().stream().mapToLong(ProcStats::timersFired).sum();
            assertEquals((long) n * rounds, fired, () -> rt.procStats().toString());
        }
    }

    /** Outside a goroutine Go.sleep is Thread.sleep; zero and negative return at once. */
    @Test
    void goSleepOutsideAGoroutineAndForNothing() throws Exception {
        long t0 = System.nanoTime();
        Go.sleep(Duration.ofMillis(5));
        assertTrue(System.nanoTime() - t0 >= 5_000_000L);
        Go.sleep(Duration.ZERO);
        Go.sleep(Duration.ofMillis(-5));
        assertThrows(NullPointerException.class, () -> Go.sleep(null));
        try (GoRuntime rt = runtime(1)) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            GoHandle h = rt.go(() -> {
                try {
                    Go.sleep(Duration.ZERO);
                    Go.sleep(Duration.ofSeconds(-1));
                    Go.sleep(Duration.ofSeconds(Long.MIN_VALUE));
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            assertTrue(h.join(WAIT));
            assertEquals(null, failure.get());
            assertEquals(0, rt.procStats().getFirst().timers(), "a sleep for nothing armed a timer");
        }
    }

    /**
     * An interrupt ends Go.sleep with InterruptedException and a cleared status, as
     * Thread.sleep; an interrupt already pending throws at once. The interrupted sleep's timer
     * is stopped: it never fires.
     */
    @Test
    @Timeout(60)
    void interruptEndsAGoSleep() throws Exception {
        try (GoRuntime rt = runtime(1)) {
            CountDownLatch sleeping = new CountDownLatch(1);
            AtomicReference<Object> outcome = new AtomicReference<>();
            GoHandle h = rt.go(() -> {
                try {
                    sleeping.countDown();
                    Go.sleep(Duration.ofHours(1));
                    outcome.set("slept an hour");
                } catch (InterruptedException e) {
                    outcome.set(Thread.currentThread().isInterrupted() ? "status still set" : e);
                }
            });
            await(sleeping, WAIT, "the sleeper");
            awaitCondition(() -> h.state() == GoroutineState.WAITING, WAIT, () -> "the sleeper to park: " + h.state());
            h.thread().interrupt();
            assertTrue(h.join(WAIT));
            assertInstanceOf(InterruptedException.class, outcome.get(), () -> String.valueOf(outcome.get()));
            assertEquals(0, rt.procStats().getFirst().timersFired());

            GoHandle pending = rt.go(() -> {
                Thread.currentThread().interrupt();
                try {
                    Go.sleep(Duration.ofHours(1));
                    outcome.set("slept");
                } catch (InterruptedException e) {
                    outcome.set("thrown");
                }
            });
            assertTrue(pending.join(WAIT));
            assertEquals("thrown", outcome.get());
        }
    }

    /** newTimer: await returns the due time, never before it; stop and reset say whether the timer was pending. */
    @Test
    @Timeout(60)
    void newTimerStopAndReset() throws Exception {
        try (GoRuntime rt = runtime(2)) {
            long t0 = System.nanoTime();
            GoTimer t = rt.newTimer(Duration.ofMillis(20));
            assertTrue(t.isPending());
            long due = t.await();
            long woke = System.nanoTime();
            assertTrue(due - t0 >= 20_000_000L, () -> "due " + (due - t0) + " ns after creation");
            assertTrue(woke - due >= 0, "await returned before the due time");
            assertFalse(t.isPending());
            assertFalse(t.stop(), "stop after the fire");
            assertFalse(t.reset(Duration.ofHours(1)), "reset after the fire");
            assertTrue(t.isPending());
            assertTrue(t.reset(Duration.ofHours(2)), "reset of a pending timer");
            assertTrue(t.stop(), "stop of a pending timer");
            assertFalse(t.stop(), "second stop");
            assertEquals(OptionalLong.empty(), t.poll());
            assertFalse(t.reset(Duration.ZERO));
            t.await();
        }
    }

    /**
     * Go 1.23: after Stop or Reset returns, no fire from before is received, even one that
     * had already come and was waiting to be awaited.
     */
    @Test
    @Timeout(60)
    void stopAndResetDropAFireNotYetAwaited() throws Exception {
        try (GoRuntime rt = runtime(2)) {
            GoTimer t = rt.newTimer(Duration.ZERO);
            awaitCondition(() -> !t.isPending(), WAIT, () -> "the timer to fire");
            assertFalse(t.stop());
            assertEquals(OptionalLong.empty(), t.poll(), "a fire from before Stop was received");

            GoTimer u = rt.newTimer(Duration.ZERO);
            awaitCondition(() -> !u.isPending(), WAIT, () -> "the timer to fire");
            u.reset(Duration.ofHours(1));
            assertEquals(OptionalLong.empty(), u.poll(), "a fire from before Reset was received");
            assertTrue(u.stop());

            GoTimer v = rt.newTimer(Duration.ZERO);
            awaitCondition(() -> !v.isPending(), WAIT, () -> "the timer to fire");
            assertTrue(v.poll().isPresent(), "a fire not awaited is kept");
            assertEquals(OptionalLong.empty(), v.poll(), "a fire is received once");
        }
    }

    /** afterFunc runs its function in a new goroutine of the runtime; a stopped one never runs. */
    @Test
    @Timeout(60)
    void afterFuncRunsInANewGoroutine() throws Exception {
        try (GoRuntime rt = runtime(2)) {
            CountDownLatch ran = new CountDownLatch(1);
            AtomicReference<GoHandle> runner = new AtomicReference<>();
            AtomicInteger stoppedRuns = new AtomicInteger();
            GoTimer stopped = rt.afterFunc(Duration.ofMillis(30), stoppedRuns::incrementAndGet);
            GoTimer t = rt.afterFunc(Duration.ofMillis(10), () -> {
                runner.set(Go.current());
                ran.countDown();
            });
            assertTrue(stopped.stop());
            await(ran, WAIT, "the afterFunc function");
            assertTrue(runner.get().name().isEmpty() && runner.get().thread().isVirtual(), () -> runner.get().toString());
            assertFalse(t.stop(), "stop after the function started");
            assertThrows(UnsupportedOperationException.class, t::await);
            assertThrows(UnsupportedOperationException.class, t::poll);
            // a later afterFunc of 40 ms has fired by the time this returns: the stopped one
            // (30 ms) would have run before it, on the same heap, had stop not worked
            CountDownLatch later = new CountDownLatch(1);
            rt.afterFunc(Duration.ofMillis(40), later::countDown);
            await(later, WAIT, "a later afterFunc");
            assertEquals(0, stoppedRuns.get());
        }
    }

    /**
     * 100,000 afterFunc timers (0-50 ms) armed from 8 goroutines, while 8 others stop and reset
     * them at random: every arming ends exactly once. Per timer, fires + successful stops +
     * resets that replaced a pending arming = 1 + resets. Afterwards no timer is pending and
     * every heap drains, zombies included.
     */
    @Test
    @Timeout(180)
    void hundredThousandTimersWithRandomStopsAndResetsEndExactlyOnce() throws Exception {
        int n = 100_000, armers = 8, meddlers = 8, opsPerMeddler = 50_000;
        AtomicIntegerArray fires = new AtomicIntegerArray(n), ends = new AtomicIntegerArray(n),
                arms = new AtomicIntegerArray(n);
        GoTimer[] timers = new GoTimer[n];
        try (GoRuntime rt = runtime(2)) {
            CountDownLatch armed = new CountDownLatch(armers);
            for (int a = 0; a < armers; a++) {
                int from = a;
                rt.go(() -> {
                    SplittableRandom rnd = new SplittableRandom(from);
                    for (int i = from; i < n; i += armers) {
                        int id = i;
                        arms.incrementAndGet(id);
                        timers[id] = Go.afterFunc(Duration.ofNanos(rnd.nextLong(50_000_000L)), () -> fires.incrementAndGet(id));
                    }
                    armed.countDown();
                });
            }
            await(armed, WAIT, "the timers to be armed");
            CountDownLatch meddled = new CountDownLatch(meddlers);
            for (int m = 0; m < meddlers; m++) {
                int seed = 100 + m;
                rt.go(() -> {
                    SplittableRandom rnd = new SplittableRandom(seed);
                    for (int k = 0; k < opsPerMeddler; k++) {
                        int id = rnd.nextInt(n);
                        if (rnd.nextBoolean()) {
                            if (timers[id].stop()) {
                                ends.incrementAndGet(id);
                            }
                        } else {
                            arms.incrementAndGet(id);
                            if (timers[id].reset(Duration.ofNanos(rnd.nextLong(50_000_000L)))) {
                                ends.incrementAndGet(id);
                            }
                        }
                        if (k % 256 == 0) {
                            Go.yield();   // let the timers fire meanwhile: stops and resets race with fires
                        }
                    }
                    meddled.countDown();
                });
            }
            await(meddled, WAIT, "the stops and resets");
            awaitCondition(() -> {
                for (int i = 0; i < n; i++) {
                    if (fires.get(i) + ends.get(i) != arms.get(i)) {
                        return false;
                    }
                }
                return true;
            }, WAIT, () -> "every arming to end: " + describe(fires, ends, arms));
            for (int i = 0; i < n; i++) {
                assertFalse(timers[i].isPending(), "timer " + i + " still pending");
                assertTrue(fires.get(i) <= arms.get(i), "timer " + i + " fired more often than armed");
            }
            awaitCondition(() -> rt.procStats().stream().mapToInt(ProcStats::timers).sum() == 0, WAIT,
                    () -> "the heaps to drain: " + rt.procStats());
            for (int i = 0; i < n; i++) {   // and nothing fired late, after the count first matched
                assertEquals(arms.get(i), fires.get(i) + ends.get(i), "timer " + i);
            }
            long fired = rt.procStats().stream().mapToLong(ProcStats::timersFired).sum();
            long totalFires = 0;
            for (int i = 0; i < n; i++) {
                totalFires += fires.get(i);
            }
            assertEquals(totalFires, fired, "fires counted by the heaps");
        }
    }

    private static String describe(AtomicIntegerArray fires, AtomicIntegerArray ends, AtomicIntegerArray arms) {
        long f = 0, e = 0, a = 0;
        int bad = 0;
        for (int i = 0; i < arms.length(); i++) {
            f += fires.get(i);
            e += ends.get(i);
            a += arms.get(i);
            if (fires.get(i) + ends.get(i) != arms.get(i)) {
                bad++;
            }
        }
        return "fires " + f + " + stops/replacing resets " + e + " vs arms " + a + "; timers off: " + bad;
    }

    /**
     * One timer reset a million times far in the future leaves a million zombie entries
     * behind; the heap sweeps them once they pass a quarter of it, so it stays small.
     */
    @Test
    @Timeout(120)
    void resetStormKeepsTheHeapSmall() throws Exception {
        try (GoRuntime rt = runtime(1)) {
            AtomicInteger maxSize = new AtomicInteger();
            GoHandle h = rt.go(() -> {
                GoTimer t = Go.newTimer(Duration.ofHours(1));
                for (int i = 0; i < 1_000_000; i++) {
                    t.reset(Duration.ofHours(1));
                    if (i % 1_000 == 0) {
                        maxSize.accumulateAndGet(rt.procStats().getFirst().timers(), Math::max);
                    }
                }
                t.stop();
            });
            assertTrue(h.join(WAIT));
            assertTrue(maxSize.get() <= 1_024, () -> "heap reached " + maxSize.get() + " entries");
        }
    }

    /**
     * A ticker ticks on its grid: every tick's due time is the first one's plus a whole number of
     * periods, so lateness never turns into drift. A consumer slower than the period gets the
     * one tick that waited, then the grid continues, skipping what it missed.
     */
    @Test
    @Timeout(120)
    void tickerStaysOnItsGrid() throws Exception {
        try (GoRuntime rt = runtime(2)) {
            long period = 5_000_000L;
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Long> dues = new ArrayList<>();
            GoHandle h = rt.go(() -> {
                GoTicker ticker = Go.newTicker(Duration.ofNanos(period));
                try {
                    for (int i = 0; i < 60; i++) {
                        long due = ticker.await();
                        if (System.nanoTime() - due < 0) {
                            throw new AssertionError("tick " + i + " arrived before it was due");
                        }
                        dues.add(due);
                        if (i >= 40 && i % 5 == 0) {
                            Go.sleep(Duration.ofNanos(3 * period + period / 2));   // a slow consumer
                        }
                    }
                } catch (Throwable e) {
                    failure.set(e);
                } finally {
                    ticker.stop();
                }
            });
            assertTrue(h.join(WAIT));
            assertEquals(null, failure.get());
            long first = dues.getFirst();
            long skipped = 0;
            for (int i = 1; i < dues.size(); i++) {
                long gap = dues.get(i) - dues.get(i - 1);
                assertEquals(0, (dues.get(i) - first) % period, "tick " + i + " is off the grid: " + dues);
                assertTrue(gap >= period, "tick " + i + " repeats or goes back: " + dues);
                skipped += gap / period - 1;
            }
            assertTrue(skipped > 0, "a slow consumer skipped no tick: " + dues);
        }
    }

    /** Stop ends the ticks at once, even one waiting; reset changes the period; bad periods are refused. */
    @Test
    @Timeout(60)
    void tickerStopResetAndBadPeriods() throws Exception {
        try (GoRuntime rt = runtime(1)) {
            GoTicker ticker = rt.newTicker(Duration.ofMillis(1));
            ticker.await();
            awaitCondition(() -> rt.procStats().getFirst().timersFired() >= 3, WAIT, () -> "more ticks");
            ticker.stop();
            assertEquals(OptionalLong.empty(), ticker.poll(), "a tick after stop");
            long fired = rt.procStats().getFirst().timersFired();

            ticker.reset(Duration.ofMillis(7));
            long a = ticker.await(), b = ticker.await();
            assertTrue(b > a && (b - a) % 7_000_000L == 0, "period after reset: " + (b - a) + " ns");
            ticker.stop();
            assertTrue(rt.procStats().getFirst().timersFired() > fired);

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rt.newTicker(Duration.ZERO));
            assertTrue(e.getMessage().contains("was PT0S") && e.getMessage().contains("(0, "), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> rt.newTicker(Duration.ofMillis(-1)));
            assertThrows(IllegalArgumentException.class, () -> ticker.reset(Duration.ZERO));
            assertThrows(NullPointerException.class, () -> rt.newTimer(null));
        }
    }

    /**
     * A timer armed from outside while every P is idle (and no carrier, not even sysmon, has
     * started) still fires: sysmon runs idle Ps' timers and sleeps until the earliest.
     */
    @Test
    @Timeout(60)
    void timersOfIdlePsFire() throws Exception {
        try (GoRuntime rt = runtime(2)) {
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                GoTimer t = rt.newTimer(Duration.ofMillis(20));
                long due = t.await();
                long late = System.nanoTime() - due;
                assertTrue(due - t0 >= 20_000_000L);
                assertTrue(late < LATE_NANOS, () -> "fired " + late / 1e6 + " ms late");
            }
            CountDownLatch ran = new CountDownLatch(1);
            rt.afterFunc(Duration.ofMillis(5), ran::countDown);
            await(ran, WAIT, "an afterFunc armed from outside");
        }
    }

    /**
     * A goroutine still in Go.sleep when its runtime closes is reported, then wakes on the
     * fallback carrier when its timer fires; the after-close timer thread exits when no timer is
     * left. An afterFunc still pending at close is stopped and reported at once (it could only
     * fire to be refused), and a new one is refused.
     */
    @Test
    @Timeout(60)
    void timersPendingAtCloseStillFire() throws Exception {
        ByteArrayOutputStream diag = new ByteArrayOutputStream();
        String name = uniqueName("timer-close");
        GoRuntime rt = GoRuntime.builder().name(name).procs(1).shutdownTimeout(Duration.ZERO)
                .diagnostics(new PrintStream(diag, true, StandardCharsets.UTF_8)).build();
        CountDownLatch sleeping = new CountDownLatch(1), woke = new CountDownLatch(1);
        GoHandle sleeper = rt.go("sleeper", () -> {
            try {
                sleeping.countDown();
                Go.sleep(Duration.ofMillis(300));
                woke.countDown();
            } catch (InterruptedException e) {
                fail(e);
            }
        });
        await(sleeping, WAIT, "the sleeper");
        rt.afterFunc(Duration.ofMillis(200), () -> fail("ran after close"));
        List<GoHandle> left = rt.shutdown(Duration.ZERO);
        assertEquals(1, left.size(), left::toString);
        assertThrows(RejectedExecutionException.class, () -> rt.afterFunc(Duration.ZERO, () -> { }));
        await(woke, WAIT, "the sleeper to wake after close");
        assertTrue(sleeper.join(WAIT));
        assertTrue(diag.toString(StandardCharsets.UTF_8).contains("1 afterFunc timer(s) pending; their functions will not run"),
                diag::toString);
        awaitCondition(() -> Thread.getAllStackTraces().keySet().stream()
                        .noneMatch(t -> t.getName().equals(name + "-timers-after-close")), WAIT,
                () -> "the after-close timer thread to exit");
    }
}
