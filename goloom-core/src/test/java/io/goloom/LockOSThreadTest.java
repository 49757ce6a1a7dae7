package io.goloom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static io.goloom.TestSupport.await;
import static io.goloom.TestSupport.carrierName;
import static io.goloom.TestSupport.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Go.lockOSThread: a locked goroutine always resumes on its carrier, which runs nothing else meanwhile. */
class LockOSThreadTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    /**
     * procs=2: A locks, then parks and is unparked by B 300 times, recording its carrier at each
     * resumption, while four other goroutines yield in a loop and record theirs. Every
     * resumption of A is on the carrier it locked, and none of the others ran there while A
     * was locked. After unlocking, A finishes normally.
     */
    @Test
    @Timeout(120)
    void lockedGoroutineResumesOnItsCarrierAndNothingElseRunsThere() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("locked")).procs(2).build()) {
            AtomicBoolean locked = new AtomicBoolean(), stop = new AtomicBoolean();
            Set<String> aCarriers = ConcurrentHashMap.newKeySet();
            Set<String> othersWhileLocked = ConcurrentHashMap.newKeySet();
            String[] lockedCarrier = new String[1];
            Thread[] a = new Thread[1];
            CountDownLatch aReady = new CountDownLatch(1), aDone = new CountDownLatch(1);
            int rounds = 300;
            AtomicBoolean turnA = new AtomicBoolean();
            GoHandle ha = rt.go("A", () -> {
                Go.lockOSThread();
                lockedCarrier[0] = carrierName();
                locked.set(true);
                aReady.countDown();
                for (int i = 0; i < rounds; i++) {
                    while (!turnA.compareAndSet(true, false)) {
                        LockSupport.park();
                    }
                    aCarriers.add(carrierName());
                }
                locked.set(false);
                Go.unlockOSThread();
                aDone.countDown();
            });
            a[0] = ha.thread();
            await(aReady, WAIT, "A to lock");
            rt.go("B", () -> {
                for (int i = 0; i < rounds; i++) {
                    turnA.set(true);
                    LockSupport.unpark(a[0]);
                    while (turnA.get() && aDone.getCount() > 0) {
                        Thread.yield();
                    }
                }
            });
            List<GoHandle> others = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                others.add(rt.go(() -> {
                    while (!stop.get()) {
                        boolean before = locked.get();
                        String c = carrierName();
                        if (before && locked.get()) {
                            othersWhileLocked.add(c);
                        }
                        Thread.yield();
                    }
                }));
            }
            await(aDone, WAIT, "A's " + rounds + " resumptions");
            stop.set(true);
            for (GoHandle h : others) {
                assertTrue(h.join(WAIT));
            }
            assertTrue(ha.join(WAIT));
            assertEquals(Set.of(lockedCarrier[0]), aCarriers, "A resumed on other carriers");
            assertFalse(othersWhileLocked.contains(lockedCarrier[0]),
                    "another goroutine ran on A's carrier while A was locked: " + othersWhileLocked);
            assertFalse(othersWhileLocked.isEmpty(), "the others never ran while A was locked");
        }
    }

    /** A goroutine that ends while locked frees its carrier: on procs=1 the next goroutines run there. */
    @Test
    @Timeout(60)
    void lockedGoroutineEndingReleasesItsCarrier() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("locked-end")).procs(1).build()) {
            String[] carrier = new String[1];
            GoHandle a = rt.go(() -> {
                Go.lockOSThread();
                carrier[0] = carrierName();
            });
            assertTrue(a.join(WAIT));
            Set<String> after = ConcurrentHashMap.newKeySet();
            CountDownLatch ran = new CountDownLatch(20);
            for (int i = 0; i < 20; i++) {
                rt.go(() -> {
                    after.add(carrierName());
                    ran.countDown();
                });
            }
            await(ran, WAIT, "goroutines after the locked one ended");
            assertTrue(after.contains(carrier[0]), "its carrier " + carrier[0] + " ran nothing after; ran on " + after);
        }
    }

    /**
     * A locked goroutine keeps a carrier to itself, so with maxThreads == procs a lock would let
     * every carrier wait for a locked goroutine nobody picks: refused with a message naming
     * maxThreads and the value needed.
     */
    @Test
    @Timeout(60)
    void lockWithoutASpareCarrierIsRefused() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("locked-max")).procs(1).maxThreads(1).build()) {
            java.util.concurrent.CompletableFuture<Throwable> thrown = new java.util.concurrent.CompletableFuture<>();
            rt.go(() -> {
                try {
                    Go.lockOSThread();
                    thrown.complete(null);
                } catch (Throwable t) {
                    thrown.complete(t);
                }
            });
            Throwable t = thrown.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(t instanceof IllegalStateException, String.valueOf(t));
            assertTrue(t.getMessage().contains("maxThreads=1") && t.getMessage().contains("at least 2"), t.getMessage());
        }
    }

    /** Outside a goroutine lockOSThread is an error naming the call; unlock without a lock does nothing. */
    @Test
    void lockOutsideAGoroutineIsAnError() {
        IllegalStateException e = assertThrows(IllegalStateException.class, Go::lockOSThread);
        assertTrue(e.getMessage().contains("Go.lockOSThread()"), e.getMessage());
        Go.unlockOSThread();
    }
}
