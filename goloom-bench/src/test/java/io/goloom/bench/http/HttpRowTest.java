package io.goloom.bench.http;

import io.goloom.SchedulingPolicy;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The http row's parts, in-process: Jetty on goloom under the open-loop generator, and the response parser. */
class HttpRowTest {

    @Test
    void openLoopOnGoloomAnswersEveryRequestInAGoroutine() throws Exception {
        int work = Work.calibrate(Http.WORK);
        OpenLoop.Result r;
        HelloHandler.Counts counts;
        try (HttpServer server = new HttpServer("goloom", work, SchedulingPolicy.go(), 0)) {
            r = OpenLoop.run(server.port(), 4, 200, Duration.ofMillis(200), Duration.ofSeconds(1),
                    ProcessHandle.current().pid(), false);
            counts = server.counts();
        }
        // 200 req/s: 40 settling requests, then 200 measured, every one answered (else run throws).
        assertEquals(200, r.requests());
        assertEquals(200, r.answered());
        assertEquals(1.0, r.served());
        assertEquals(r.requests(), r.latency().getTotalCount());
        assertEquals(240, counts.handled());
        counts.verify("goloom");
        assertEquals(counts.handled(), counts.inGoroutine());
        // At least the 1 ms sleep, measured from the intended send time.
        assertTrue(r.latency().getMinValue() >= 1_000_000, "min latency " + r.latency().getMinValue() + " ns");
        assertTrue(r.server() != null && r.server().ctxSwitches() > 0, "context switches counted: " + r.server());
    }

    /**
     * A server that accepts connections and never answers (a starved one): with unanswered
     * requests allowed, the open loop ends after its drain and reports none served, instead of
     * failing the run.
     */
    @Test
    void openLoopReportsAStarvedServerAsNotServed() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> accepted = new ArrayList<>();
            Thread acceptor = Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());   // read nothing, answer nothing
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            OpenLoop.Result r = OpenLoop.run(silent.getLocalPort(), 2, 100, Duration.ofMillis(100),
                    Duration.ofMillis(500), -1, true);
            assertEquals(50, r.requests());
            assertEquals(0, r.answered());
            assertEquals(0.0, r.served());
            assertEquals(0, r.latency().getTotalCount());
            silent.close();
            acceptor.join();
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    @Test
    void verifyRejectsRequestsOffTheirSide() {
        assertThrowsMessage("did not run in a goloom goroutine", () -> new HelloHandler.Counts(10, 10, 9).verify("goloom"));
        assertThrowsMessage("ran in a goloom goroutine", () -> new HelloHandler.Counts(10, 10, 1).verify("jdk"));
        assertThrowsMessage("platform thread", () -> new HelloHandler.Counts(10, 9, 0).verify("jdk"));
        new HelloHandler.Counts(10, 10, 0).verify("jdk");
        assertEquals(new HelloHandler.Counts(3, 2, 1), HelloHandler.Counts.parse(new HelloHandler.Counts(3, 2, 1).line()));
    }

    @Test
    void parsesResponsesAcrossReads() {
        byte[] two = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\ncontent-length: 9\r\n\r\nhello!!!\n"
                + "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        int first = Connections.Response.parse(two, 0, two.length);
        assertEquals(200, Connections.Response.status(two, 0));
        assertEquals(9, Connections.Response.bodyLength(two, 0, first));
        assertEquals(503, Connections.Response.status(two, first));
        assertEquals(two.length - first, Connections.Response.parse(two, first, two.length - first));
        assertEquals(Connections.Response.INCOMPLETE, Connections.Response.parse(two, 0, first - 1));
        byte[] chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertTrue(Connections.Response.parse(chunked, 0, chunked.length) < 0);
    }

    private static void assertThrowsMessage(String part, Runnable r) {
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, r::run);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
