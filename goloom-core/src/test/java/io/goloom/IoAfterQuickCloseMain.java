package io.goloom;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Forked by {@link BugRegressionTest}: in a fresh JVM, the first runtime (which starts the
 * JDK's I/O pollers in a system goroutine) is closed right after it is built; then socket I/O
 * must still work, in a plain virtual thread and in a goroutine of a second runtime.
 */
public final class IoAfterQuickCloseMain {

    private IoAfterQuickCloseMain() {
    }

    public static void main(String[] args) throws Exception {
        GoRuntime.builder().name("closed-at-once").procs(1).build().close();
        CompletableFuture<Integer> onJdk = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                onJdk.complete(readOneByte());
            } catch (Throwable t) {
                onJdk.completeExceptionally(t);
            }
        });
        System.out.println("jdk-read=" + onJdk.get(20, TimeUnit.SECONDS));
        try (GoRuntime rt = GoRuntime.builder().name("second").procs(2).shutdownTimeout(Duration.ofSeconds(2)).build()) {
            System.out.println("goroutine-read=" + rt.submit(IoAfterQuickCloseMain::readOneByte).get(20, TimeUnit.SECONDS));
        }
    }

    /** A byte over loopback, the reading side on the calling (virtual) thread. */
    private static int readOneByte() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (ServerSocket server = new ServerSocket(0, 50, loopback)) {
            Thread writer = Thread.ofPlatform().start(() -> {
                try (Socket s = server.accept()) {
                    s.getOutputStream().write(7);
                } catch (Exception e) {
                    e.printStackTrace();
                }
            });
            try (Socket client = new Socket(loopback, server.getLocalPort())) {
                int b = client.getInputStream().read();
                writer.join();
                return b;
            }
        }
    }
}
