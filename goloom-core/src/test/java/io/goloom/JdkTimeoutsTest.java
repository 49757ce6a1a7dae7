package io.goloom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static io.goloom.TestSupport.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JDK's own timeouts of goroutines ({@code Thread.sleep}, {@code parkNanos}, timed
 * {@code Object.wait}) run on the per-P timer heaps (counted in {@link ProcStats#timersFired()}),
 * keep their meaning, and are cancelled when the thread is woken first.
 */
class JdkTimeoutsTest {

    private static long fired(GoRuntime rt) {
        return rt.procStats().stream().mapToLong(ProcStats::timersFired).sum();
    }

    @Test
    @Timeout(60)
    void threadSleepParkNanosAndWaitTimeOutOnThePsTimers() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("jdk-timeouts")).procs(2).build()) {
            long before = fired(rt);
            long slept = rt.submit(() -> {
                long t0 = System.nanoTime();
                for (int i = 0; i < 10; i++) {
                    Thread.sleep(5);
                }
                return System.nanoTime() - t0;
            }).get(30, TimeUnit.SECONDS);
            assertTrue(slept >= 50_000_000L, () -> "10 x Thread.sleep(5) took " + slept + " ns");
            assertTrue(fired(rt) - before >= 10, () -> "timers fired on the Ps: " + (fired(rt) - before));

            long waited = rt.submit(() -> {
                Object o = new Object();
                long t0 = System.nanoTime();
                synchronized (o) {
                    o.wait(30);
                }
                return System.nanoTime() - t0;
            }).get(30, TimeUnit.SECONDS);
            assertTrue(waited >= 30_000_000L, () -> "wait(30) returned after " + waited + " ns");

            // Woken first: parkNanos(60 s) returns at the unpark, and its timeout never fires.
            CountDownLatch parked = new CountDownLatch(1);
            GoFuture<Long> park = rt.submit(() -> {
                long t0 = System.nanoTime();
                parked.countDown();
                LockSupport.parkNanos(60_000_000_000L);
                return System.nanoTime() - t0;
            });
            parked.await();
            long firedBeforeUnpark = fired(rt);
            GoHandle g = rt.allGoroutines().stream().filter(h -> h.state() == GoroutineState.WAITING
                    || h.state() == GoroutineState.RUNNING).findFirst().orElseThrow();
            while (!park.isDone()) {   // an unpark before the park only leaves a permit: repeat until it returns
                LockSupport.unpark(g.thread());
                LockSupport.parkNanos(1_000_000);
            }
            assertTrue(park.get() < 30_000_000_000L, () -> "parkNanos returned after " + park.resultNow() + " ns");
            assertEquals(firedBeforeUnpark, fired(rt), "the cancelled timeout fired");
        }
    }
}
