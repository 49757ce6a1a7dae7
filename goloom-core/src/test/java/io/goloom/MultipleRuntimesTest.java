package io.goloom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static io.goloom.TestSupport.await;
import static io.goloom.TestSupport.carrierName;
import static io.goloom.TestSupport.uniqueName;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several runtimes live in one JVM, each with its own carriers, and wake each other's goroutines. */
class MultipleRuntimesTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /**
     * A goroutine of runtime A unparks a parked goroutine of runtime B (through B's global
     * queue); both complete, each on its own runtime's carriers.
     */
    @Test
    @Timeout(60)
    void goroutineOfOneRuntimeUnparksAGoroutineOfAnother() throws Exception {
        String nameA = uniqueName("rtA"), nameB = uniqueName("rtB");
        try (GoRuntime a = GoRuntime.builder().name(nameA).procs(1).build();
             GoRuntime b = GoRuntime.builder().name(nameB).procs(1).build()) {
            AtomicBoolean go = new AtomicBoolean();
            CountDownLatch bParked = new CountDownLatch(1);
            CompletableFuture<String> bCarrierBefore = new CompletableFuture<>(), bCarrierAfter = new CompletableFuture<>();
            CompletableFuture<String> aCarrier = new CompletableFuture<>();
            CompletableFuture<GoRuntime> bRuntime = new CompletableFuture<>(), aRuntime = new CompletableFuture<>();

            GoHandle inB = b.go("in-b", () -> {
                bCarrierBefore.complete(carrierName());
                bParked.countDown();
                while (!go.get()) {
                    LockSupport.park();
                }
                bCarrierAfter.complete(carrierName());
                bRuntime.complete(Go.runtime());
            });
            await(bParked, WAIT, "B's goroutine to park");
            TestSupport.awaitCondition(() -> inB.state() == GoroutineState.WAITING, WAIT,
                    () -> "B's goroutine to be parked (WAITING), is " + inB.state());
            GoHandle inA = a.go("in-a", () -> {
                aCarrier.complete(carrierName());
                aRuntime.complete(Go.runtime());
                go.set(true);
                LockSupport.unpark(inB.thread());
            });
            assertTrue(inA.join(WAIT), "A's goroutine did not complete");
            assertTrue(inB.join(WAIT), "B's goroutine was not woken by A's");

            assertSame(a, aRuntime.get(10, TimeUnit.SECONDS));
            assertSame(b, bRuntime.get(10, TimeUnit.SECONDS));
            String ca = aCarrier.get(10, TimeUnit.SECONDS);
            String cb1 = bCarrierBefore.get(10, TimeUnit.SECONDS), cb2 = bCarrierAfter.get(10, TimeUnit.SECONDS);
            assertTrue(ca.startsWith(nameA + "-m-"), ca);
            assertTrue(cb1.startsWith(nameB + "-m-"), cb1);
            assertTrue(cb2.startsWith(nameB + "-m-"), "B's goroutine resumed on " + cb2 + ", not on B's carriers");
            assertNotEquals(ca, cb2);
            assertTrue(b.procStats().get(0).globalGrabs() >= 2, "B's goroutine did not come through B's global queue twice: " + b.procStats());
        }
    }

    /** Two runtimes running ping-pong traffic across each other at once: every message arrives. */
    @Test
    @Timeout(60)
    void crossRuntimeTrafficBothWays() throws Exception {
        int rounds = 20_000;
        try (GoRuntime a = GoRuntime.builder().name(uniqueName("xA")).procs(2).build();
             GoRuntime b = GoRuntime.builder().name(uniqueName("xB")).procs(2).build()) {
            SynchronousQueue<Integer> ab = new SynchronousQueue<>();
            SynchronousQueue<Integer> ba = new SynchronousQueue<>();
            CompletableFuture<Integer> last = new CompletableFuture<>();
            GoHandle pa = a.go(() -> {
                try {
                    for (int i = 0; i < rounds; i++) {
                        ab.put(i);
                        int back = ba.take();
                        if (back != i + 1) {
                            last.completeExceptionally(new AssertionError("got " + back + " for " + i));
                            return;
                        }
                    }
                    last.complete(rounds);
                } catch (InterruptedException e) {
                    last.completeExceptionally(e);
                }
            });
            GoHandle pb = b.go(() -> {
                try {
                    for (int i = 0; i < rounds; i++) {
                        ba.put(ab.take() + 1);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(last.get(50, TimeUnit.SECONDS) == rounds);
            assertTrue(pa.join(WAIT));
            assertTrue(pb.join(WAIT));
        }
    }
}
