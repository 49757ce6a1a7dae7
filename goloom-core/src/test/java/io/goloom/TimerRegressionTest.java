package io.goloom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static io.goloom.TestSupport.await;
import static io.goloom.TestSupport.awaitCondition;
import static io.goloom.TestSupport.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Regressions found by a review of the per-P timers (commit 6a73ec5), each shown failing
 * there 3 times in 3 and fixed since. Two reach into the heap by reflection, to hold its lock
 * (standing in for a slow holder) and to check its shape.
 */
class TimerRegressionTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /**
     * TimerHeap.run claims an entry under the heap lock and fires it after the lock, and the
     * finally block in between may sweep the whole heap. A reset landing in that window used to
     * clear the one-slot tick queue before the runner offered the old arming's stale tick into
     * it; the new arming's tick then found the queue full, and the stale one was skipped by
     * the receiver: await() hung forever. The {@code TickSlot} now drops stale ticks by seq
     * instead of clearing, and takes back a tick that a stop or reset made stale meanwhile.
     *
     * The sweep makes the window milliseconds long: 200,000 stopped timers on the only P, then
     * the first due timer's claim triggers the sweep before its fire.
     */
    @Test
    @Timeout(120)
    void resetRacingTheRunnerStillDeliversTheNewArmingsFire() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("trv-stale")).procs(1).build()) {
            GoTimer warm = rt.newTimer(Duration.ZERO);   // load and compile the fire path first
            warm.await();
            int n = 200_000;
            GoTimer[] fillers = new GoTimer[n];
            for (int i = 0; i < n; i++) {
                fillers[i] = rt.afterFunc(Duration.ofHours(1), () -> { });
            }
            GoTimer t = rt.newTimer(Duration.ofMillis(500));
            for (GoTimer f : fillers) {
                assertTrue(f.stop());
            }
            assumeTrue(t.isPending(), "setup took longer than 500 ms: inconclusive");
            // Wait for the claim (state IDLE), then reset at once: the runner is sweeping now.
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (t.isPending()) {
                if (System.nanoTime() - deadline > 0) {
                    fail("the timer never fired");
                }
                Thread.onSpinWait();
            }
            assertFalse(t.reset(Duration.ZERO), "the first arming had fired");
            awaitCondition(() -> !t.isPending(), WAIT, () -> "the second arming to fire");
            // The second arming has been claimed: its tick is offered right after. Give it 2 s.
            OptionalLong got = OptionalLong.empty();
            long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while ((got = t.poll()).isEmpty() && System.nanoTime() - until < 0) {
                LockSupport.parkNanos(1_000_000);
            }
            assertTrue(got.isPresent(), "the fire of the arming made by reset() was never received"
                    + " (a stale tick of the first arming took the one-slot queue after reset cleared it)");
        }
    }

    /**
     * A push into a full heap array relied on a sweep to make room whenever the zombie count
     * said a quarter were zombies; a sweep that removed nothing still inserted at index
     * size == length (ArrayIndexOutOfBoundsException, and a heap corrupt for good). The count
     * can exceed the zombies in the heap: a stop counts its zombie at once, before the reset
     * that armed it has pushed its entry. Here 17 resets wait for the heap lock and are
     * stopped meanwhile. The push now grows the array unless the sweep made room.
     */
    @Test
    @Timeout(120)
    void zombiesCountedBeforeTheirPushDoNotOverflowAFullHeap() throws Throwable {
        GoRuntime rt = GoRuntime.builder().name(uniqueName("trv-phantom")).procs(1).build();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        try {
            int k = 17;     // > 64 / 4
            GoTimer[] probes = new GoTimer[k];
            for (int j = 0; j < k; j++) {
                probes[j] = rt.newTimer(Duration.ZERO);
            }
            for (GoTimer p : probes) {
                p.await();  // fired: no entry and no zombie left on the heap
            }
            Object heap = heap0(rt);
            awaitCondition(() -> intField(heap, "size") == 0, WAIT, () -> "the heap to empty");
            // Fill the heap array exactly, with no zombie. Decreasing delays below a first,
            // latest entry, so that every entry goes to the heap array proper (a later version
            // puts entries arriving in due order in a separate FIFO lane).
            rt.afterFunc(Duration.ofHours(10), () -> { });
            for (int i = 1; intField(heap, "size") != ((Object[]) field(heap, "timers")).length
                    || intField(heap, "size") < 64; i++) {
                rt.afterFunc(Duration.ofHours(9).minusMillis(i), () -> { });
                assertTrue(i < 1000, "heap never got full");
            }
            int size = intField(heap, "size");
            assumeTrue(size == 64 && intField(heap, "zombies") == 0,
                    () -> "heap not in the expected shape: inconclusive: size " + size + " zombies "
                            + intField(heap, "zombies"));

            VarHandle locked = MethodHandles.privateLookupIn(heap.getClass(), MethodHandles.lookup())
                    .findVarHandle(heap.getClass(), "locked", int.class);
            assertTrue(locked.compareAndSet(heap, 0, 1), "took the heap lock");
            CountDownLatch done = new CountDownLatch(k);
            for (GoTimer p : probes) {
                Thread.ofPlatform().daemon().start(() -> {
                    try {
                        p.reset(Duration.ofHours(1));   // arms, then spins in push for the lock
                    } catch (Throwable e) {
                        failures.add(e);
                    } finally {
                        done.countDown();
                    }
                });
            }
            awaitCondition(() -> java.util.Arrays.stream(probes).allMatch(GoTimer::isPending), WAIT,
                    () -> "the resets to arm");
            for (GoTimer p : probes) {
                assertTrue(p.stop());   // counts a zombie whose entry is not on the heap yet
            }
            assertEquals(k, intField(heap, "zombies"));
            locked.setRelease(heap, 0);
            await(done, WAIT, "the resets");
            assertEquals(List.of(), failures, "reset() threw once the heap lock was free");
            GoTimer after = rt.newTimer(Duration.ZERO);
            after.await();
        } finally {
            try {
                rt.close();
            } catch (Throwable e) {
                if (failures.isEmpty()) {
                    throw e;
                }
                // the heap is corrupt (size > length): close() throws from its sweep as well
            }
        }
    }

    /**
     * A timer due on a P whose goroutine computes without checkpoints used to fire only at the
     * retake (retakeAfter, here 1 h), even while another P idled: sysmon looked at idle Ps'
     * timers only. Now sysmon wakes a spinning M for it, which runs it as it steals (Go's idle
     * M waits for the earliest timer of every P). A 5 ms timer must fire within 2 s.
     */
    @Test
    @Timeout(60)
    void aDueTimerOnABusyPFiresWhileAnotherPIdles() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("trv-hog")).procs(2)
                .retakeAfter(Duration.ofHours(1)).build()) {
            AtomicBoolean release = new AtomicBoolean();
            AtomicReference<GoTimer> timer = new AtomicReference<>();
            CountDownLatch armed = new CountDownLatch(1), hogDone = new CountDownLatch(1);
            rt.go(() -> {
                timer.set(Go.newTimer(Duration.ofMillis(5)));   // on this goroutine's P
                armed.countDown();
                long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (!release.get() && System.nanoTime() - end < 0) {
                    Thread.onSpinWait();   // CPU-bound, no Go.checkpoint()
                }
                hogDone.countDown();
            });
            await(armed, WAIT, "the timer to be armed");
            try {
                OptionalLong got = OptionalLong.empty();
                long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                while ((got = timer.get().poll()).isEmpty() && System.nanoTime() - until < 0) {
                    LockSupport.parkNanos(1_000_000);
                }
                assertTrue(got.isPresent(), "a 5 ms timer on a busy P had not fired after 2 s although"
                        + " another P was idle (it waits for the retake, retakeAfter = 1 h)");
            } finally {
                release.set(true);
                await(hogDone, WAIT, "the hog");
            }
        }
    }

    /**
     * Go.sleep in a pinned goroutine (a class initializer, where the JDK parks the carrier)
     * keeps its P mounted, and its timer is on that P. With maxThreads == procs no M is free
     * for a retake, and the sleep never ended. Now sysmon runs the timers of a P stuck past
     * retakeAfter itself.
     */
    @Test
    @Timeout(60)
    void goSleepOfAPinnedGoroutineEndsWhenNoMIsFree() throws Exception {
        GoRuntime rt = GoRuntime.builder().name(uniqueName("trv-pinned")).procs(1).maxThreads(1)
                .retakeAfter(Duration.ofMillis(1)).shutdownTimeout(Duration.ofSeconds(1))
                .diagnostics(new java.io.PrintStream(java.io.OutputStream.nullOutputStream())).build();
        CountDownLatch done = new CountDownLatch(1);
        try {
            rt.go(() -> {
                SleepsInItsInitializer.touch();
                done.countDown();
            });
            assertTrue(done.await(5, java.util.concurrent.TimeUnit.SECONDS),
                    "Go.sleep(10 ms) in a pinned goroutine had not returned after 5 s");
        } finally {
            rt.close();   // the after-close timer thread fires it at last
        }
    }

    /** Sleeps 10 ms in its static initializer, where a virtual thread parks pinned. */
    static final class SleepsInItsInitializer {
        static {
            try {
                Go.sleep(Duration.ofMillis(10));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }

        static void touch() {
        }
    }

    private static Object heap0(GoRuntime rt) throws ReflectiveOperationException {
        Object sched = field(rt, "sched");
        Object[] allp = (Object[]) field(sched, "allp");
        return field(allp[0], "timers");
    }

    private static Object field(Object o, String name) {
        try {
            Field f = o.getClass().getDeclaredField(name);
            f.setAccessible(true);
            return f.get(o);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static int intField(Object o, String name) {
        return (Integer) field(o, name);
    }
}
