package io.goloom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static io.goloom.TestSupport.await;
import static io.goloom.TestSupport.uniqueName;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fairness on procs=1: two goroutines ping-pong forever through LockSupport (each unpark puts
 * the other in runnext), and a third runnable goroutine still runs within a bounded number of
 * exchanges (the runnext cap and the 1-in-61 global-queue check).
 */
class FairnessTest {

    /** Far above what the implementation needs (runnext cap 3, global check every 61 ticks). */
    private static final long BOUND = 1_000;

    private GoRuntime rt;
    private final AtomicLong exchanges = new AtomicLong();
    private volatile int turn;
    private volatile boolean stop;
    private final Thread[] pair = new Thread[2];
    private final CountDownLatch warmedUp = new CountDownLatch(1);
    /**
     * The exchange count when a player first saw the global queue non-empty: the moment the
     * third goroutine became runnable, as seen by the scheduler's own goroutines (independent of
     * when the test's platform thread gets CPU).
     */
    private final AtomicLong globalSeenAt = new AtomicLong(-1);

    @BeforeEach
    void startPingPong() throws InterruptedException {
        rt = GoRuntime.builder().name(uniqueName("fair")).procs(1).build();
        for (int me = 0; me < 2; me++) {
            int self = me;
            pair[me] = rt.threadFactory().newThread(() -> player(self));
        }
        pair[0].start();
        pair[1].start();
        await(warmedUp, Duration.ofSeconds(30), "the ping-pong pair to warm up");
    }

    private void player(int me) {
        Thread other = pair[1 - me];
        for (;;) {
            while (turn != me) {
                if (stop) {
                    return;
                }
                LockSupport.park();
            }
            if (stop) {
                turn = 1 - me;
                LockSupport.unpark(other);
                return;
            }
            long x = exchanges.incrementAndGet();
            if (x == 10_000) {
                warmedUp.countDown();
            }
            if (globalSeenAt.get() < 0 && rt.globalQueueLength() > 0) {
                globalSeenAt.compareAndSet(-1, x);
            }
            turn = 1 - me;
            LockSupport.unpark(other);
        }
    }

    @AfterEach
    void stopPingPong() throws InterruptedException {
        try {
            stop = true;
            LockSupport.unpark(pair[0]);
            LockSupport.unpark(pair[1]);
            assertTrue(pair[0].join(Duration.ofSeconds(10)), "ping-pong goroutine 0 did not stop");
            assertTrue(pair[1].join(Duration.ofSeconds(10)), "ping-pong goroutine 1 did not stop");
        } finally {
            rt.close();
        }
    }

    /** A goroutine spawned from a platform thread (global queue) runs within BOUND exchanges. */
    @Test
    @Timeout(60)
    void goroutineInGlobalQueueRunsDespitePingPong() throws Exception {
        AtomicLong seenAt = new AtomicLong(-1);
        CountDownLatch ran = new CountDownLatch(1);
        globalSeenAt.set(-1);      // the pair itself came through the global queue at the start
        rt.go("third", () -> {
            seenAt.set(exchanges.get());
            ran.countDown();
        });
        await(ran, Duration.ofSeconds(30), "the third goroutine to run");
        long waited = waitedSinceEnqueued(seenAt.get());
        assertTrue(waited < BOUND, "the third goroutine waited " + waited + " ping-pong exchanges");
    }

    /** Exchanges between the pair first seeing the global queue non-empty and the third goroutine running. */
    private long waitedSinceEnqueued(long seenAt) {
        long first = globalSeenAt.get();
        return first < 0 ? 0 : seenAt - first;   // never seen: it ran before the pair looked
    }

    /** A parked goroutine unparked from a platform thread (global queue) runs within BOUND exchanges. */
    @Test
    @Timeout(60)
    void unparkedGoroutineRunsDespitePingPong() throws Exception {
        AtomicLong seenAt = new AtomicLong(-1);
        CountDownLatch parked = new CountDownLatch(1), ran = new CountDownLatch(1);
        AtomicBoolean go = new AtomicBoolean();
        GoHandle third = rt.go("third", () -> {
            parked.countDown();
            while (!go.get()) {
                LockSupport.park();
            }
            seenAt.set(exchanges.get());
            ran.countDown();
        });
        await(parked, Duration.ofSeconds(30), "the third goroutine to start");
        TestSupport.awaitCondition(() -> third.state() == GoroutineState.WAITING, Duration.ofSeconds(30),
                () -> "the third goroutine to park");
        globalSeenAt.set(-1);      // it went through the global queue once already, when it was spawned
        go.set(true);
        LockSupport.unpark(third.thread());
        await(ran, Duration.ofSeconds(30), "the third goroutine to run after unpark");
        long waited = waitedSinceEnqueued(seenAt.get());
        assertTrue(waited < BOUND, "the unparked goroutine waited " + waited + " ping-pong exchanges");
    }

    /**
     * A goroutine that re-queues itself on the local queue with Thread.yield() 200 times is
     * never kept waiting more than BOUND exchanges by the pair in runnext (the runnext cap).
     */
    @Test
    @Timeout(60)
    void localQueueIsNotStarvedByRunnextPingPong() throws Exception {
        assertYieldingGoroutineProgresses(Thread::yield, "Thread.yield()");
    }

    /** Like the above with Go.yield() (to the global queue's tail). */
    @Test
    @Timeout(60)
    void globalQueueIsNotStarvedByRunnextPingPong() throws Exception {
        assertYieldingGoroutineProgresses(Go::yield, "Go.yield()");
    }

    private void assertYieldingGoroutineProgresses(Runnable yield, String how) throws Exception {
        AtomicLong maxGap = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        rt.go("yielder", () -> {
            long last = exchanges.get();
            for (int i = 0; i < 200; i++) {
                yield.run();
                long now = exchanges.get();
                maxGap.accumulateAndGet(now - last, Math::max);
                last = now;
            }
            done.countDown();
        });
        await(done, Duration.ofSeconds(50), "the yielding goroutine to make 200 rounds");
        assertTrue(maxGap.get() < BOUND, "a goroutine yielding with " + how + " waited up to "
                + maxGap.get() + " ping-pong exchanges between two of its runs");
        assertTrue(maxGap.get() > 0, "the pair did not run while the yielder yielded: the measure is void");
    }
}
