package io.goloom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 13, part 5: results and failures of goroutines, and handles users cannot misuse into a dead carrier. */
class ResultsAndFailuresTest {

    private static GoRuntime runtime(String name, PrintStream diagnostics) {
        return GoRuntime.builder().name(TestSupport.uniqueName(name)).procs(2).diagnostics(diagnostics).build();
    }

    /** submit returns the task's value, on a goroutine of the runtime. */
    @Test
    @Timeout(60)
    void submitReturnsTheValue() throws Exception {
        try (GoRuntime rt = runtime("submit-value", System.err)) {
            GoFuture<String> f = rt.submit("answer", () -> Go.inGoroutine() + " " + Go.current().name());
            assertEquals("true answer", f.get(Duration.ofSeconds(30)));
            assertEquals(Future.State.SUCCESS, f.state());
            assertEquals("answer", f.goroutine().name());
        }
    }

    /** A task's exception reaches the future, not the diagnostics stream: nothing is printed, nothing lost. */
    @Test
    @Timeout(60)
    void submitKeepsTheException() throws Exception {
        ByteArrayOutputStream diag = new ByteArrayOutputStream();
        IllegalStateException thrown = new IllegalStateException("boom");
        try (GoRuntime rt = runtime("submit-fails", new PrintStream(diag, true, StandardCharsets.UTF_8))) {
            GoFuture<Integer> f = rt.submit(() -> {
                throw thrown;
            });
            ExecutionException e = assertThrows(ExecutionException.class, f::get);
            assertSame(thrown, e.getCause());
            assertSame(thrown, f.exceptionNow());
            assertEquals(Future.State.FAILED, f.state());
        }
        assertFalse(diag.toString(StandardCharsets.UTF_8).contains("boom"), diag.toString(StandardCharsets.UTF_8));
    }

    /** cancel(true) interrupts a goroutine blocked in its task; get() then throws CancellationException. */
    @Test
    @Timeout(60)
    void cancelInterruptsTheGoroutine() throws Exception {
        try (GoRuntime rt = runtime("submit-cancel", System.err)) {
            CountDownLatch started = new CountDownLatch(1);
            AtomicBoolean interrupted = new AtomicBoolean();
            GoFuture<Void> f = rt.submit(() -> {
                started.countDown();
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    interrupted.set(true);
                }
                return null;
            });
            started.await();
            assertThrows(TimeoutException.class, () -> f.get(Duration.ofMillis(20)));
            assertTrue(f.cancel(true));
            assertThrows(CancellationException.class, f::get);
            f.goroutine().join();
            assertTrue(interrupted.get(), "the task saw the interrupt");
            assertTrue(f.isCancelled());
        }
    }

    /** Once join() returns, the handle says DEAD, every time: 2,000 short goroutines on 2 Ps. */
    @Test
    @Timeout(120)
    void stateIsDeadOnceJoinReturned() throws Exception {
        try (GoRuntime rt = runtime("dead-after-join", System.err)) {
            for (int i = 0; i < 2_000; i++) {
                GoHandle h = rt.go(() -> { });
                h.join();
                assertEquals(GoroutineState.DEAD, h.state(), "goroutine " + h.id() + " after join");
            }
        }
    }

    /** join() returns normally after a failure, which went to the uncaught-exception handler. */
    @Test
    @Timeout(60)
    void joinReturnsAfterAFailureThatWentToTheHandler() throws Exception {
        ByteArrayOutputStream diag = new ByteArrayOutputStream();
        try (GoRuntime rt = runtime("join-failure", new PrintStream(diag, true, StandardCharsets.UTF_8))) {
            GoHandle h = rt.go("failing", () -> {
                throw new IllegalStateException("escaped");
            });
            h.join();
            assertEquals(GoroutineState.DEAD, h.state());
        }
        String text = diag.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("uncaught exception in goroutine") && text.contains("escaped"), text);
    }

    /** A goroutine's handle is its own scheduler; handing it a task by hand is refused in the caller. */
    @Test
    @Timeout(60)
    void executeOfATaskIsRefusedInTheCaller() throws Exception {
        ByteArrayOutputStream diag = new ByteArrayOutputStream();
        try (GoRuntime rt = runtime("execute-by-hand", new PrintStream(diag, true, StandardCharsets.UTF_8))) {
            CountDownLatch release = new CountDownLatch(1);
            GoHandle h = rt.go(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            assertTrue(h instanceof Executor, "the handle is the goroutine's scheduler");
            AtomicBoolean ran = new AtomicBoolean();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ((Executor) h).execute(() -> ran.set(true)));
            assertTrue(e.getMessage().contains("GoRuntime.go"), e.getMessage());
            release.countDown();
            h.join();
            assertFalse(ran.get());
            for (int i = 0; i < 2 * rt.procs(); i++) {
                assertEquals(i, rt.submit(() -> 0).get() + i, "every carrier still runs goroutines");
            }
        }
        assertFalse(diag.toString(StandardCharsets.UTF_8).contains("goloom bug"), diag.toString(StandardCharsets.UTF_8));
    }

    /** submit after close is rejected, like go. */
    @Test
    @Timeout(60)
    void submitAfterCloseIsRejected() {
        GoRuntime rt = runtime("submit-closed", System.err);
        rt.close();
        assertThrows(RejectedExecutionException.class, () -> rt.submit(() -> 1));
    }
}
