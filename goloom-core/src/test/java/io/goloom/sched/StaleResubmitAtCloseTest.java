package io.goloom.sched;

import io.goloom.GoRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Issue 14 item 6: at close, goloom printed {@code running goroutine 19 [DEAD] on goloom-m-1
 * failed} with {@code RejectedExecutionException} from {@code readyForeign <- G.execute <-
 * submitRunContinuation <- afterYield <- M.execute}, once in 4 runs of a
 * getStackTrace-while-blocking stress.
 *
 * <p>The JDK submits a yielding thread twice when {@code getStackTrace()} lands between
 * {@code afterYield}'s {@code setState(YIELDED)} and its {@code submitRunContinuation()}:
 * {@code tryGetStackTrace} suspends the YIELDED thread, restores it and resubmits it ("task may
 * have run while suspended"). If that resubmit runs the thread to its end on another M before
 * the carrier's own submit arrives, the carrier's submit is for a terminated thread. For an
 * adopted (foreign) thread its G is buried by then and gone from the adoption map, so
 * {@code readyForeign} took it for a new thread: it adopted a ghost while open, and threw
 * "closed" (out of the carrier's {@code cont.run()}, reported as a goloom failure) while closing.
 *
 * <p>Since adoption makes the thread's own goroutine its scheduler, such a late submit reaches
 * that (buried) goroutine, or, if it read the scheduler before the switch, the goroutine that
 * started the thread, which forwards it. The real race needs the carrier to lose its CPU inside
 * {@code afterYield}; here both late submits are made by hand, in the failing order: the thread
 * has ended, its goroutine is buried, and the runtime is closing.
 */
class StaleResubmitAtCloseTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    @Timeout(30)
    void carriersLateSubmitOfAnEndedAdoptedThreadIsNoFailureAtClose() throws Exception {
        ByteArrayOutputStream diag = new ByteArrayOutputStream();
        GoRuntime rt = GoRuntime.builder().name("stale-resubmit").procs(2)
                .diagnostics(new PrintStream(diag, true, StandardCharsets.UTF_8)).build();
        G parent = (G) rt.go("parent", () -> { });
        assertTrue(parent.join(WAIT));
        Scheduler sched = parent.sched;

        Thread vt = Thread.ofVirtual().unstarted(() -> { });
        Runnable cont = VirtualThreads.JDK.continuationOf(vt);
        // What the JDK does for a thread that inherited parent: its constructor made parent the
        // scheduler, start() submits through it.
        VirtualThreads.JDK.setScheduler(vt, parent);
        vt.start();
        assertTrue(vt.join(WAIT), "the adopted thread to end");
        G adopted = (G) VirtualThreads.JDK.schedulerOf(vt);
        assertTrue(adopted != parent && adopted.cont == cont, "adoption made the thread's own goroutine its scheduler");
        awaitCondition(() -> sched.liveGoroutines() == 0, "the adopted goroutine to be buried");

        Thread closer = Thread.ofPlatform().start(rt::close);
        awaitCondition(sched::isClosing, "close() to start");
        AtomicReference<Throwable> lateSubmitFailed = new AtomicReference<>();
        for (Executor late : new Executor[] {adopted, parent}) {
            try {
                late.execute(cont);   // the carrier's own submit, after the resubmit ran the thread to its end
            } catch (Throwable t) {
                lateSubmitFailed.compareAndSet(null, t);
            }
        }
        closer.join(WAIT);
        assertFalse(closer.isAlive(), "close() to return");

        String out = diag.toString(StandardCharsets.UTF_8);
        assertEquals(null, lateSubmitFailed.get(), () -> "a late submit failed; diagnostics:\n" + out);
        assertFalse(out.contains("failed") || out.contains("RejectedExecutionException"),
                () -> "a normally ended goroutine was reported as a goloom failure:\n" + out);
        assertEquals(0, sched.liveGoroutines(), "a ghost goroutine was adopted for the ended thread");
    }

    /** For states with no event to wait on (a G's burial follows its thread's end on the M). */
    private static void awaitCondition(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out waiting for " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
