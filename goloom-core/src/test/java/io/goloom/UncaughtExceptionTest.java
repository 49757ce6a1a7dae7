package io.goloom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.goloom.TestSupport.await;
import static io.goloom.TestSupport.carrierName;
import static io.goloom.TestSupport.uniqueName;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An exception escaping a goroutine goes to the handler and never kills the carrier. */
class UncaughtExceptionTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** A configured handler receives the goroutine's thread and exception; the carrier keeps running goroutines. */
    @Test
    @Timeout(60)
    void configuredHandlerReceivesExceptionAndCarrierSurvives() throws Exception {
        AtomicReference<Thread> failedThread = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch handled = new CountDownLatch(1);
        RuntimeException boom = new IllegalStateException("boom");
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("uncaught")).procs(1)
                .uncaughtExceptionHandler((t, e) -> {
                    failedThread.set(t);
                    failure.set(e);
                    handled.countDown();
                }).build()) {
            CompletableFuture<String> throwerCarrier = new CompletableFuture<>();
            GoHandle bad = rt.go("thrower", () -> {
                throwerCarrier.complete(carrierName());
                throw boom;
            });
            await(handled, WAIT, "the handler");
            assertTrue(bad.join(WAIT));
            assertSame(bad.thread(), failedThread.get());
            assertSame(boom, failure.get());

            for (int i = 0; i < 100; i++) {
                assertTrue(rt.go(() -> { }).join(WAIT), "a goroutine after the exception did not run");
            }
            String carrier = throwerCarrier.get(10, TimeUnit.SECONDS);
            assertTrue(carrier.startsWith(rt.name() + "-m-"), carrier);
            assertTrue(Thread.getAllStackTraces().keySet().stream()
                            .anyMatch(t -> t.getName().equals(carrier) && t.isAlive()),
                    "the carrier " + carrier + " that ran the throwing goroutine is gone");
        }
    }

    /** The default handler prints the goroutine's id, name and the stack to the diagnostics stream. */
    @Test
    @Timeout(60)
    void defaultHandlerPrintsGoroutineAndStackToDiagnostics() throws Exception {
        ByteArrayOutputStream diag = new ByteArrayOutputStream();
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("uncaught-default")).procs(1)
                .diagnostics(new PrintStream(diag, true, StandardCharsets.UTF_8)).build()) {
            GoHandle bad = rt.go("thrower", UncaughtExceptionTest::throwSomething);
            assertTrue(bad.join(WAIT));
            GoHandle ok = rt.go(() -> { });
            assertTrue(ok.join(WAIT), "carrier did not survive the exception");
            String out = diag.toString(StandardCharsets.UTF_8);
            assertTrue(out.contains("goroutine " + bad.id() + " \"thrower\""), out);
            assertTrue(out.contains("IllegalArgumentException: kaboom-marker"), out);
            assertTrue(out.contains("throwSomething"), "stack trace missing:\n" + out);
        }
    }

    private static void throwSomething() {
        throw new IllegalArgumentException("kaboom-marker");
    }
}
