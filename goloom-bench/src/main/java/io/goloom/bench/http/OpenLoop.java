package io.goloom.bench.http;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.io.UncheckedIOException;

/**
 * The open-loop load: requests at a fixed rate, the {@code i}th meant to go at
 * {@code t0 + i / rate} on connection {@code i mod K}, whatever the server's answers do. Each
 * latency runs from that <em>intended</em> time to the response, so a stalled server is charged
 * for every request it delayed, including those queued on the client behind a slow one (no
 * coordinated omission, as in wrk2). A platform thread sends, sleeping until each intended
 * time; the {@link Connections} reader records. The first {@code settle} is not measured.
 */
final class OpenLoop {

    /**
     * What the measured part of an open-loop run saw.
     *
     * @param latency   nanoseconds from intended send to response, of each measured request answered
     * @param requests  measured requests
     * @param answered  of those, the answered ones (all of them, unless unanswered ones were allowed)
     * @param seconds   the measured span, from its first intended send to the last response (or
     *                  to the end of the drain, when some were never answered)
     * @param server    the server's CPU and context switches over the same span; null without a pid
     */
    record Result(Histogram latency, long requests, long answered, double seconds, ProcStats server) {

        /** The share of measured requests answered, 0 to 1. */
        double served() {
            return requests == 0 ? 1 : answered / (double) requests;
        }
    }

    private static final long MAX_LATENCY_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final Duration DRAIN = Duration.ofSeconds(10);

    private OpenLoop() {
    }

    /**
     * Runs {@code rate} requests/s over {@code connections} connections to {@code port} for
     * {@code settle + measured}; samples the /proc counters of process {@code serverPid} (none if
     * it is not positive) when the measured part starts and after its last response.
     *
     * With {@code allowUnanswered}, requests still unanswered 10 s after the last was sent (a
     * starved server) count as not served instead of failing the run.
     *
     * @throws IOException if a connection failed, a response was not 200 with the 9-byte body,
     *                     or (unless allowed) requests were still unanswered 10 s after the last was sent
     */
    static Result run(int port, int connections, double rate, Duration settle, Duration measured,
                      long serverPid, boolean allowUnanswered) throws IOException, InterruptedException {
        long total = (long) Math.ceil(rate * (settle.toNanos() + measured.toNanos()) / 1e9);
        long firstMeasured = (long) Math.ceil(rate * settle.toNanos() / 1e9);
        double intervalNanos = 1e9 / rate;
        Histogram latency = new Histogram(MAX_LATENCY_NANOS, 3);
        CountDownLatch answered = new CountDownLatch(Math.toIntExact(total));
        AtomicLong lost = new AtomicLong(), measuredAnswers = new AtomicLong();
        long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        long measureFrom = t0 + (long) (firstMeasured * intervalNanos);
        ProcStats[] before = new ProcStats[1];
        Connections.Listener listener = new Connections.Listener() {
            @Override
            public boolean onResponse(Connections.Conn conn, long intended, long now, boolean ok) {
                if (intended >= measureFrom) {
                    latency.recordValue(Math.min(MAX_LATENCY_NANOS, Math.max(0, now - intended)));
                    measuredAnswers.incrementAndGet();
                }
                answered.countDown();
                return false;
            }

            @Override
            public void onLost(long intended) {
                lost.incrementAndGet();
                answered.countDown();
            }
        };
        try (Connections conns = new Connections(port, connections, listener)) {
            // The /proc sample at the start of the measured part, off the sender's clock.
            Thread sampler = Thread.ofPlatform().name("http-load-sampler").daemon().start(() -> {
                sleepUntil(measureFrom);
                before[0] = sample(serverPid);
            });
            for (long i = 0; i < total; i++) {
                long intended = t0 + (long) (i * intervalNanos);
                sleepUntil(intended);
                conns.submit(conns.conn((int) (i % conns.size())), intended);
            }
            if (!answered.await(DRAIN.toMillis(), TimeUnit.MILLISECONDS) && !allowUnanswered) {
                throw new IOException(answered.getCount() + " of " + total + " requests unanswered "
                        + DRAIN.toSeconds() + " s after the last was sent" + problemsOf(conns, ", and "));
            }
            long end = System.nanoTime();
            ProcStats after = sample(serverPid);
            sampler.join();
            String problems = conns.problems();
            if (!problems.isEmpty() || lost.get() > 0) {
                throw new IOException("open loop at " + Math.round(rate) + " req/s: " + problems
                        + (lost.get() > 0 ? " (" + lost.get() + " requests lost)" : ""));
            }
            return new Result(latency, total - firstMeasured, measuredAnswers.get(), (end - measureFrom) / 1e9,
                    after == null || before[0] == null ? null : after.minus(before[0]));
        }
    }

    private static ProcStats sample(long pid) {
        try {
            return pid > 0 ? ProcStats.of(pid) : null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc of the server, pid " + pid, e);
        }
    }

    private static String problemsOf(Connections conns, String prefix) {
        String p = conns.problems();
        return p.isEmpty() ? "" : prefix + p;
    }

    /** Parks until {@code deadline} ({@code System.nanoTime()}); returns at once if it has passed. */
    static void sleepUntil(long deadline) {
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(left);
        }
    }
}
