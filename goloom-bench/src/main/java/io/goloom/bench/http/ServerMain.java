package io.goloom.bench.http;

import java.io.BufferedReader;
import java.io.InputStreamReader;

/**
 * The server child of the http row: {@code ServerMain --side goloom|jdk --work N}. Starts an
 * {@link HttpServer}, prints {@code port=P} and {@code ready}, then serves until a line
 * {@code stop} (or the end of its standard input, when the bench JVM dies), and prints where
 * the requests ran ({@link HelloHandler.Counts#line()}) before it exits.
 */
public final class ServerMain {

    private ServerMain() {
    }

    /** Runs the server child. */
    public static void main(String[] args) throws Exception {
        String side = null;
        int work = -1;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--side" -> side = args[i + 1];
                case "--work" -> work = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (side == null || work < 0) {
            throw new IllegalArgumentException("usage: ServerMain --side goloom|jdk --work ITERATIONS");
        }
        HelloHandler.Counts counts;
        try (HttpServer server = new HttpServer(side, work)) {
            System.out.println("port=" + server.port());
            System.out.println("ready");
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
            String line;
            do {
                line = in.readLine();
            } while (line != null && !line.equals("stop"));
            counts = server.counts();
        }
        System.out.println(counts.line());
        System.out.flush();
    }
}
