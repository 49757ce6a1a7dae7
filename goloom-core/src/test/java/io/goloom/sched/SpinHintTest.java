package io.goloom.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goloom.GoRuntime;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The JDK's spin-then-park code ({@code SynchronousQueue}, {@code LinkedTransferQueue},
 * {@code Exchanger}) asks {@code ForkJoinWorkerThread.hasKnownQueuedWork()} whether the carrier
 * has other work before it spins; on goloom's carriers the answer is their P's local queue
 * (see {@link VirtualThreads#spinHintOf}). Without it a spawn tree over SynchronousQueues spun
 * half its CPU away (skynet 3.5 s -> 1.1 s).
 */
class SpinHintTest {

    /** What the JDK's queues call; opened to goloom's module (here the class path) by the runtime. */
    private static boolean hasKnownQueuedWork() throws ReflectiveOperationException {
        Method m = ForkJoinWorkerThread.class.getDeclaredMethod("hasKnownQueuedWork");
        m.setAccessible(true);
        return (boolean) m.invoke(null);
    }

    @Test
    @Timeout(30)
    void aCarrierSaysItHasQueuedWorkExactlyWhileItsLocalQueueHasGoroutines() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().name("spin-hint").procs(1).build()) {
            List<Boolean> seen = new ArrayList<>();
            CountDownLatch childRan = new CountDownLatch(1);
            rt.submit(() -> {
                seen.add(hasKnownQueuedWork());       // the queue is empty
                rt.go(childRan::countDown);            // a new goroutine: the local queue
                seen.add(hasKnownQueuedWork());
                // The JDK's queue sees it too: a timed poll with nobody to hand over parks
                // (and lets the child run on this only P) instead of spinning first.
                return new SynchronousQueue<>().poll(1, TimeUnit.MILLISECONDS);
            }).get(10, TimeUnit.SECONDS);
            childRan.await();
            seen.add(rt.submit(SpinHintTest::hasKnownQueuedWork).get(10, TimeUnit.SECONDS));   // a later run, empty queue
            assertEquals(List.of(false, true, false), seen);
        }
    }

    @Test
    @Timeout(30)
    void aLonePeerInRunnextLeavesTheSpinOn() throws Exception {
        // A ping-pong peer readied into runnext is the one spin that pays off once a thief takes
        // the peer: the hint stays false for it.
        try (GoRuntime rt = GoRuntime.builder().name("spin-hint-runnext").procs(1).build()) {
            List<Boolean> seen = new ArrayList<>();
            CountDownLatch parked = new CountDownLatch(1);
            CountDownLatch peerStarted = new CountDownLatch(1);
            Thread peer = rt.go(() -> {
                peerStarted.countDown();
                parked.countDown();
                LockSupport.park();
            }).thread();
            seen.add(rt.submit(() -> {
                peerStarted.await();
                while (peer.getState() != Thread.State.WAITING) {
                    Thread.yield();
                }
                LockSupport.unpark(peer);   // into runnext
                return hasKnownQueuedWork();
            }).get(10, TimeUnit.SECONDS));
            assertEquals(List.of(false), seen);
            assertTrue(parked.await(10, TimeUnit.SECONDS));
        }
    }
}
