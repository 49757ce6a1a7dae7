package io.goloom.sched;

import io.goloom.GoHandle;
import io.goloom.GoRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The JDK's I/O pollers ride one open runtime as system goroutines (see {@link IoPollers}):
 * socket I/O works in its goroutines, the pollers are neither counted nor dumped nor waited for
 * at close, they go back to the JDK's scheduler when their runtime closes (plain virtual threads
 * keep doing I/O), and the next runtime takes them over.
 */
class IoPollersTest {

    private static final int ROUND_TRIPS = 200;

    @Test
    @Timeout(60)
    void pollersRideOneOpenRuntimeAndGoBackToTheJdkAtClose() throws Exception {
        GoRuntime first = GoRuntime.builder().name("io-pollers-1").procs(2).build();
        assertEquals(ROUND_TRIPS, echo(first::submit));
        List<Thread> pollers = IoPollers.threads();
        // Empty only if this JVM did socket I/O before any runtime (its pollers stay on the JDK's).
        assumeFalse(pollers.isEmpty(), "the pollers started before goloom's first runtime");
        for (Thread t : pollers) {
            assertTrue(VirtualThreads.JDK.schedulerOf(t) instanceof G g && g.system(),
                    () -> t + "'s scheduler is " + VirtualThreads.JDK.schedulerOf(t));
        }
        // The echo's goroutines are buried by their M just after their threads end.
        for (long end = System.nanoTime() + 30_000_000_000L; first.goroutines() != 0 && System.nanoTime() < end; ) {
            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
        }
        assertEquals(0, first.goroutines(), "pollers are not counted");
        assertFalse(first.goroutineDump().contains("Poller"), first.goroutineDump());
        List<GoHandle> left = first.shutdown(Duration.ofSeconds(10));
        assertTrue(left.isEmpty(), () -> "close waited for " + left);

        assertEquals(ROUND_TRIPS, echo(IoPollersTest::onJdkVirtualThread), "I/O of the JDK's virtual threads");
        for (Thread t : pollers) {
            assertFalse(VirtualThreads.JDK.schedulerOf(t) instanceof G g && g.sched.name().equals(first.name()),
                    () -> t + " still on the closed runtime");
        }

        try (GoRuntime second = GoRuntime.builder().name("io-pollers-2").procs(2).build()) {
            for (Thread t : pollers) {
                assertTrue(VirtualThreads.JDK.schedulerOf(t) instanceof G g && g.system() && g.sched.name().equals(second.name()),
                        () -> t + " not taken over by the next runtime: " + VirtualThreads.JDK.schedulerOf(t));
            }
            assertEquals(ROUND_TRIPS, echo(second::submit));
        }
        assertEquals(ROUND_TRIPS, echo(IoPollersTest::onJdkVirtualThread), "I/O after the second close");
    }

    /** Where {@link #echo} runs its server and client. */
    private interface Spawner {
        <T> java.util.concurrent.Future<T> submit(Callable<T> task);
    }

    /** Round trips of 8 bytes over loopback, server and client each on their own thread from {@code on}. */
    private static int echo(Spawner on) throws Exception {
        try (ServerSocket listener = new ServerSocket(0)) {
            var server = on.submit(() -> {
                try (Socket s = listener.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                    byte[] b = new byte[8];
                    int n = 0;
                    while (in.readNBytes(b, 0, 8) == 8) {
                        out.write(b);
                        n++;
                    }
                    return n;
                }
            });
            var client = on.submit(() -> {
                try (Socket s = new Socket("127.0.0.1", listener.getLocalPort());
                     InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                    byte[] b = new byte[8];
                    for (int i = 0; i < ROUND_TRIPS; i++) {
                        out.write(b);
                        if (in.readNBytes(b, 0, 8) != 8) {
                            throw new IOException("short read at round trip " + i);
                        }
                    }
                    return ROUND_TRIPS;
                }
            });
            assertEquals(ROUND_TRIPS, client.get(30, TimeUnit.SECONDS));
            return server.get(30, TimeUnit.SECONDS);
        }
    }

    private static <T> java.util.concurrent.Future<T> onJdkVirtualThread(Callable<T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                f.complete(task.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }
}
