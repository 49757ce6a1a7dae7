package io.goloom.bench.http;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Our own closed-loop load, used when {@code wrk} is not installed: {@code K} connections, each
 * sending its next request as soon as the last one's response arrives, for a fixed time; the
 * responses that arrived within it, per second, are the throughput. One reader thread drives
 * every connection, where {@code wrk -t2} uses two.
 */
final class ClosedLoop {

    private ClosedLoop() {
    }

    /**
     * Requests per second over {@code duration}.
     *
     * @throws IOException on any connection error or a response other than 200 with the 9-byte body
     */
    static double run(int port, int connections, Duration duration) throws IOException, InterruptedException {
        AtomicLong completed = new AtomicLong();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        Connections.Listener listener = new Connections.Listener() {
            @Override
            public boolean onResponse(Connections.Conn conn, long intended, long now, boolean ok) {
                if (now <= end) {
                    completed.incrementAndGet();
                    return true;
                }
                return false;
            }

            @Override
            public void onLost(long intended) {
            }
        };
        try (Connections conns = new Connections(port, connections, listener)) {
            for (int i = 0; i < conns.size(); i++) {
                conns.submit(conns.conn(i), System.nanoTime());
            }
            OpenLoop.sleepUntil(end);
            // Let the requests still in flight finish, so the server is idle when the next phase starts.
            OpenLoop.sleepUntil(System.nanoTime() + 200_000_000L);
            String problems = conns.problems();
            if (!problems.isEmpty()) {
                throw new IOException("closed loop: " + problems);
            }
        }
        return completed.get() / (duration.toNanos() / 1e9);
    }
}
