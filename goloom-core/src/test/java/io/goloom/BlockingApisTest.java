package io.goloom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import static io.goloom.TestSupport.await;
import static io.goloom.TestSupport.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each blocking Java API parks the goroutine and frees its carrier: with procs=1, while
 * goroutine A is blocked in the API, goroutine B runs to completion; then A is released and
 * completes. (If A held the only carrier, B could not run and the test would time out.)
 */
class BlockingApisTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @FunctionalInterface
    interface Blocking {
        /** Runs in goroutine A: counts {@code armed} down right before the blocking call, then blocks. */
        void block(CountDownLatch armed) throws Exception;
    }

    /** Goroutine A, blocked; {@link #assertCompletes()} after the caller released it. */
    private record Blocked(GoHandle a, AtomicBoolean finished, AtomicReference<Throwable> error) {
        void assertCompletes() throws InterruptedException {
            assertTrue(a.join(WAIT), "goroutine A did not complete after it was released");
            assertNull(error.get(), () -> "goroutine A failed: " + error.get());
            assertTrue(finished.get(), "goroutine A did not get past its blocking call");
        }
    }

    /**
     * Starts A (which blocks in {@code blocking}) on a procs=1 runtime, then B, and asserts that
     * B completes while A is still blocked (parked, not running).
     */
    private static Blocked blockAndRunAnother(GoRuntime rt, String what, Blocking blocking) throws Exception {
        assertEquals(1, rt.procs());
        CountDownLatch armed = new CountDownLatch(1), bDone = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        AtomicReference<Throwable> error = new AtomicReference<>();
        GoHandle a = rt.go("A-" + what, () -> {
            try {
                blocking.block(armed);
                finished.set(true);
            } catch (Throwable t) {
                error.set(t);
            }
        });
        await(armed, WAIT, "goroutine A to reach " + what);
        // A stays mounted on the only carrier from armed.countDown() until it blocks in `what`.
        rt.go("B", bDone::countDown);
        await(bDone, WAIT, "goroutine B to run while A is blocked in " + what + " (A holds the carrier?)");
        assertFalse(finished.get(), "A got past " + what + " before it was released");
        assertNull(error.get(), () -> "goroutine A failed: " + error.get());
        assertTrue(a.thread().isAlive());
        assertTrue(EnumSet.of(Thread.State.WAITING, Thread.State.TIMED_WAITING, Thread.State.BLOCKED)
                .contains(a.thread().getState()), "A's thread state while blocked: " + a.thread().getState());
        assertEquals(GoroutineState.WAITING, a.state(), "goloom's state of A while blocked in " + what);
        return new Blocked(a, finished, error);
    }

    private static GoRuntime procs1() {
        return GoRuntime.builder().name(uniqueName("block")).procs(1).build();
    }

    /** Thread.sleep (10 minutes) parks A; interrupting it releases A. */
    @Test
    @Timeout(60)
    void threadSleep() throws Exception {
        try (GoRuntime rt = procs1()) {
            Blocked b = blockAndRunAnother(rt, "Thread.sleep", armed -> {
                armed.countDown();
                try {
                    Thread.sleep(Duration.ofMinutes(10));
                    throw new AssertionError("slept 10 minutes?");
                } catch (InterruptedException expected) {
                    // released
                }
            });
            b.a().thread().interrupt();
            b.assertCompletes();
        }
    }

    /** A short Thread.sleep ends by itself (the JDK timer readies A from another thread). */
    @Test
    @Timeout(60)
    void threadSleepWakesByTimer() throws Exception {
        try (GoRuntime rt = procs1()) {
            CountDownLatch woke = new CountDownLatch(20);
            for (int i = 0; i < 20; i++) {
                rt.go(() -> {
                    try {
                        Thread.sleep(20);
                        woke.countDown();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            await(woke, WAIT, "20 sleeping goroutines to wake");
        }
    }

    /** LockSupport.park: A parks until the test sets a flag and unparks it. */
    @Test
    @Timeout(60)
    void lockSupportPark() throws Exception {
        AtomicBoolean go = new AtomicBoolean();
        try (GoRuntime rt = procs1()) {
            Blocked b = blockAndRunAnother(rt, "LockSupport.park", armed -> {
                armed.countDown();
                while (!go.get()) {
                    LockSupport.park();
                }
            });
            go.set(true);
            LockSupport.unpark(b.a().thread());
            b.assertCompletes();
        }
    }

    /** ReentrantLock.lock, contended: the test's platform thread holds the lock. */
    @Test
    @Timeout(60)
    void reentrantLockContendedByPlatformThread() throws Exception {
        ReentrantLock lock = new ReentrantLock();
        try (GoRuntime rt = procs1()) {
            lock.lock();
            Blocked b;
            try {
                b = blockAndRunAnother(rt, "ReentrantLock.lock", armed -> {
                    armed.countDown();
                    lock.lock();
                    lock.unlock();
                });
                assertTrue(lock.hasQueuedThread(b.a().thread()), "A is not queued on the lock");
            } finally {
                lock.unlock();
            }
            b.assertCompletes();
        }
    }

    /** BlockingQueue.take on an empty queue; the test puts an element. */
    @Test
    @Timeout(60)
    void blockingQueueTake() throws Exception {
        BlockingQueue<String> q = new LinkedBlockingQueue<>();
        AtomicReference<String> got = new AtomicReference<>();
        try (GoRuntime rt = procs1()) {
            Blocked b = blockAndRunAnother(rt, "BlockingQueue.take", armed -> {
                armed.countDown();
                got.set(q.take());
            });
            q.put("x");
            b.assertCompletes();
        }
        assertEquals("x", got.get());
    }

    /** CompletableFuture.join on an incomplete future; the test completes it. */
    @Test
    @Timeout(60)
    void completableFutureJoin() throws Exception {
        CompletableFuture<String> f = new CompletableFuture<>();
        AtomicReference<String> got = new AtomicReference<>();
        try (GoRuntime rt = procs1()) {
            Blocked b = blockAndRunAnother(rt, "CompletableFuture.join", armed -> {
                armed.countDown();
                got.set(f.join());
            });
            f.complete("v");
            b.assertCompletes();
        }
        assertEquals("v", got.get());
    }

    /** A socket read on 127.0.0.1: A blocks in read() until the test writes a byte. */
    @Test
    @Timeout(60)
    void socketRead() throws Exception {
        AtomicReference<Integer> got = new AtomicReference<>();
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (ServerSocket server = new ServerSocket(0, 50, loopback); GoRuntime rt = procs1()) {
            int port = server.getLocalPort();
            Blocked b = blockAndRunAnother(rt, "socket read", armed -> {
                try (Socket client = new Socket(loopback, port)) {
                    InputStream in = client.getInputStream();
                    armed.countDown();
                    got.set(in.read());
                }
            });
            try (Socket accepted = server.accept()) {
                OutputStream out = accepted.getOutputStream();
                out.write(42);
                out.flush();
                b.assertCompletes();
            }
            // Nothing else may stay behind, e.g. the JDK's pollers (BugRegressionTest has the story).
            TestSupport.awaitCondition(() -> rt.goroutines() == 0, WAIT,
                    () -> "goroutines() to drop to 0 after the socket test: " + rt.allGoroutines());
        }
        assertEquals(42, got.get());
    }

    /** synchronized + Object.wait; the test notifies under the monitor. */
    @Test
    @Timeout(60)
    void objectWait() throws Exception {
        Object monitor = new Object();
        AtomicBoolean go = new AtomicBoolean();
        try (GoRuntime rt = procs1()) {
            Blocked b = blockAndRunAnother(rt, "Object.wait", armed -> {
                synchronized (monitor) {
                    armed.countDown();
                    while (!go.get()) {
                        monitor.wait();
                    }
                }
            });
            synchronized (monitor) {
                go.set(true);
                monitor.notifyAll();
            }
            b.assertCompletes();
        }
    }

    /** synchronized monitor enter, contended: the test's platform thread holds the monitor (JDK 25 does not pin). */
    @Test
    @Timeout(60)
    void synchronizedContendedByPlatformThread() throws Exception {
        Object monitor = new Object();
        AtomicBoolean entered = new AtomicBoolean();
        try (GoRuntime rt = procs1()) {
            Blocked b;
            synchronized (monitor) {
                b = blockAndRunAnother(rt, "monitor enter", armed -> {
                    armed.countDown();
                    synchronized (monitor) {
                        entered.set(true);
                    }
                });
                assertEquals(Thread.State.BLOCKED, b.a().thread().getState());
                assertFalse(entered.get());
            }
            b.assertCompletes();
        }
        assertTrue(entered.get());
    }
}
