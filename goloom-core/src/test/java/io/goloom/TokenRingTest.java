package io.goloom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static io.goloom.TestSupport.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A token passed around a ring of goroutines arrives intact after every lap. */
class TokenRingTest {

    private static final long EMPTY = -1;

    /**
     * 10,000 goroutines, each with a LockSupport/volatile mailbox, pass a hop counter around the
     * ring 100 times (1,000,000 hops); every goroutine sees the expected value at every lap.
     */
    @ParameterizedTest(name = "procs={0}")
    @ValueSource(ints = {1, 2})
    @Timeout(120)
    void tokenGoesAroundARingOfTenThousandGoroutinesAHundredTimes(int procs) throws Exception {
        int n = 10_000, laps = 100;
        AtomicLongArray mailbox = new AtomicLongArray(n);
        for (int i = 0; i < n; i++) {
            mailbox.set(i, EMPTY);
        }
        Thread[] threads = new Thread[n];
        AtomicIntegerArray received = new AtomicIntegerArray(n);
        AtomicReference<String> error = new AtomicReference<>();
        CompletableFuture<Long> result = new CompletableFuture<>();
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("ring")).procs(procs).build()) {
            List<GoHandle> handles = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int me = i;
                handles.add(rt.go("ring-" + i, () -> {
                    for (int lap = 0; lap < laps; lap++) {
                        long v;
                        while ((v = mailbox.get(me)) == EMPTY) {
                            LockSupport.park();
                        }
                        mailbox.set(me, EMPTY);
                        received.incrementAndGet(me);
                        long expected = (long) lap * n + me;
                        if (v != expected) {
                            error.compareAndSet(null, "goroutine " + me + " lap " + lap + " got " + v + ", expected " + expected);
                        }
                        if (me == n - 1 && lap == laps - 1) {
                            result.complete(v + 1);
                        } else {
                            int next = (me + 1) % n;
                            mailbox.set(next, v + 1);
                            LockSupport.unpark(threads[next]);
                        }
                    }
                }));
                threads[i] = handles.get(i).thread();
            }
            // The array is complete before the first send; the mailbox's volatile writes carry it along.
            mailbox.set(0, 0);
            LockSupport.unpark(threads[0]);

            long hops = result.get(100, TimeUnit.SECONDS);
            assertEquals((long) n * laps, hops, "the token lost or gained hops");
            for (GoHandle h : handles) {
                assertTrue(h.join(Duration.ofSeconds(10)), h + " did not finish");
            }
        }
        assertNull(error.get());
        for (int i = 0; i < n; i++) {
            assertEquals(laps, received.get(i), "receives of goroutine " + i);
        }
    }

    /** The same ring over SynchronousQueues (a blocking hand-off per hop): 2,000 goroutines, 50 laps. */
    @Test
    @Timeout(120)
    void tokenGoesAroundARingOfSynchronousQueues() throws Exception {
        int n = 2_000, laps = 50;
        List<SynchronousQueue<Long>> queues = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            queues.add(new SynchronousQueue<>());
        }
        AtomicReference<String> error = new AtomicReference<>();
        CompletableFuture<Long> result = new CompletableFuture<>();
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("ringq")).procs(2).build()) {
            List<GoHandle> handles = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int me = i;
                handles.add(rt.go(() -> {
                    try {
                        for (int lap = 0; lap < laps; lap++) {
                            long v = queues.get(me).take();
                            long expected = (long) lap * n + me;
                            if (v != expected) {
                                error.compareAndSet(null, "goroutine " + me + " lap " + lap + " got " + v);
                            }
                            if (me == n - 1 && lap == laps - 1) {
                                result.complete(v + 1);
                            } else {
                                queues.get((me + 1) % n).put(v + 1);
                            }
                        }
                    } catch (InterruptedException e) {
                        error.compareAndSet(null, "interrupted: " + e);
                    }
                }));
            }
            queues.get(0).put(0L);
            assertEquals((long) n * laps, result.get(100, TimeUnit.SECONDS));
            for (GoHandle h : handles) {
                assertTrue(h.join(Duration.ofSeconds(10)), h + " did not finish");
            }
        }
        assertNull(error.get());
    }
}
