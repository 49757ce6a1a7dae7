package io.goloom;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;

/**
 * Forked by {@link BugRegressionTest}: in a fresh JVM, the first virtual-thread socket I/O happens
 * inside a goroutine; then prints which goroutines are still alive once that goroutine ended.
 */
public final class SocketInGoroutineMain {

    private SocketInGoroutineMain() {
    }

    public static void main(String[] args) throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (ServerSocket server = new ServerSocket(0, 50, loopback);
             GoRuntime rt = GoRuntime.builder().name("io").procs(1).shutdownTimeout(Duration.ofSeconds(1)).build()) {
            int port = server.getLocalPort();
            GoHandle reader = rt.go("reader", () -> {
                try (Socket client = new Socket(loopback, port)) {
                    System.out.println("read=" + client.getInputStream().read());
                } catch (Exception e) {
                    e.printStackTrace();
                }
            });
            try (Socket accepted = server.accept()) {
                accepted.getOutputStream().write(7);
                accepted.getOutputStream().flush();
                if (!reader.join(Duration.ofSeconds(20))) {
                    System.out.println("reader did not finish");
                }
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (rt.goroutines() != 0 && System.nanoTime() - deadline < 0) {
                Thread.sleep(10);
            }
            System.out.println("goroutines=" + rt.goroutines());
            for (GoHandle h : rt.allGoroutines()) {
                System.out.println("alive=" + h.name());
            }
            List<GoHandle> alive = rt.shutdown(Duration.ofMillis(500));
            System.out.println("aliveAtClose=" + alive.size());
        }
    }
}
