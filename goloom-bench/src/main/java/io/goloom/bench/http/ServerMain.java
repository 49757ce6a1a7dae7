package io.goloom.bench.http;

import io.goloom.SchedulingPolicy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.time.Duration;

/**
 * The server child of the http row:
 * <pre>
 * ServerMain --side goloom|jdk --work N [--policy go|fair|fair:SLICE_US:BULK_TURN_MS] [--retaken-nice 0..19]
 *            [--hogs K --hog-work N --hog-checkpoint true|false]
 * </pre>
 * Starts an {@link HttpServer} (goloom's with that scheduling policy, default go, and that
 * {@code GoRuntime.Builder.retakenCarrierNice}, default 0), and K CPU
 * hogs on the same scheduler if asked ({@link HttpServer#startHogs}), prints {@code port=P} and
 * {@code ready}, then serves until a line {@code stop} (or the end of its standard input, when
 * the bench JVM dies), and prints where the requests ran ({@link HelloHandler.Counts#line()})
 * and {@code hog-chunks=C} before it exits.
 */
public final class ServerMain {

    private ServerMain() {
    }

    /** {@code go}, {@code fair}, or {@code fair:SLICE_US:BULK_TURN_MS}. */
    static SchedulingPolicy policy(String v) {
        String[] f = v.split(":");
        if (f[0].equals("go") && f.length == 1) {
            return SchedulingPolicy.go();
        }
        if (f[0].equals("fair") && (f.length == 1 || f.length == 3)) {
            return f.length == 1 ? SchedulingPolicy.fair() : SchedulingPolicy.fair(
                    Duration.ofNanos(Long.parseLong(f[1]) * 1000), Duration.ofMillis(Long.parseLong(f[2])));
        }
        throw new IllegalArgumentException("--policy must be go, fair or fair:SLICE_US:BULK_TURN_MS, was " + v);
    }

    /** Runs the server child. */
    public static void main(String[] args) throws Exception {
        String side = null;
        int work = -1, hogs = 0, hogWork = 1_000, retakenNice = 0;
        boolean hogCheckpoint = false;
        SchedulingPolicy policy = SchedulingPolicy.go();
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--side" -> side = v;
                case "--work" -> work = Integer.parseInt(v);
                case "--hogs" -> hogs = Integer.parseInt(v);
                case "--hog-work" -> hogWork = Integer.parseInt(v);
                case "--hog-checkpoint" -> hogCheckpoint = Boolean.parseBoolean(v);
                case "--policy" -> policy = policy(v);
                case "--retaken-nice" -> retakenNice = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (side == null || work < 0 || hogs < 0 || hogWork < 1) {
            throw new IllegalArgumentException("usage: ServerMain --side goloom|jdk --work ITERATIONS"
                    + " [--policy go|fair|fair:SLICE_US:BULK_TURN_MS] [--retaken-nice 0..19]"
                    + " [--hogs K>=0 --hog-work ITERATIONS>=1 --hog-checkpoint true|false]");
        }
        HelloHandler.Counts counts;
        long hogChunks;
        try (HttpServer server = new HttpServer(side, work, policy, retakenNice)) {
            server.startHogs(hogs, hogWork, hogCheckpoint);
            System.out.println("port=" + server.port());
            System.out.println("ready");
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
            String line;
            do {
                line = in.readLine();
            } while (line != null && !line.equals("stop"));
            counts = server.counts();
            hogChunks = server.hogChunks();
        }
        System.out.println(counts.line());
        System.out.println("hog-chunks=" + hogChunks);
        System.out.flush();
    }
}
