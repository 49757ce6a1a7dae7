package io.goloom.bench.http;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The load generator child of the http row, the same for the goloom, JDK and Go servers:
 * <pre>
 * LoadMain --port P --pid PID [--rate R] [--warmup S] [--saturation S] [--settle S] [--open S]
 *          [--connections K] [--wrk PATH|none] [--allow-unanswered true|false]
 * </pre>
 * Against the server on {@code 127.0.0.1:P} (process {@code PID}, for /proc) it runs, in order:
 * a closed-loop warm-up ({@code wrk -t2 -c100}, discarded), the closed-loop saturation run
 * (throughput), and the open loop at {@code R} requests/s ({@code 0}: 70% of the throughput just
 * measured) over K connections, of which the first {@code settle} seconds are not measured.
 * With {@code --saturation 0} both closed loops are skipped (throughput NaN; R must be given).
 * With {@code --allow-unanswered true}, requests a starved server never answered count as not
 * served ({@code served}, the answered share) instead of failing the run; the latencies are
 * those of the answered ones (NaN if none was). It prints one {@code name=value} line per
 * metric (the Go column's format) and exits 0, or prints what went wrong on its standard error
 * and exits 1. All of its threads are platform threads.
 */
public final class LoadMain {

    /** The share of the JDK's saturation throughput the open loop offers. */
    static final double OPEN_LOOP_SHARE = 0.7;
    /** wrk's shape, as issue 14 measured: two threads, 100 connections. */
    static final int WRK_THREADS = 2, WRK_CONNECTIONS = 100;

    private LoadMain() {
    }

    /** Runs the generator. */
    public static void main(String[] args) {
        try {
            Map<String, String> o = options(args);
            int port = Integer.parseInt(required(o, "port"));
            long pid = Long.parseLong(required(o, "pid"));
            double rate = Double.parseDouble(o.getOrDefault("rate", "0"));
            Duration warmup = seconds(o.getOrDefault("warmup", "3"));
            Duration saturation = seconds(o.getOrDefault("saturation", "10"));
            Duration settle = seconds(o.getOrDefault("settle", "2"));
            Duration open = seconds(o.getOrDefault("open", "15"));
            int connections = Integer.parseInt(o.getOrDefault("connections", Integer.toString(WRK_CONNECTIONS)));
            String wrkOption = o.getOrDefault("wrk", "auto");
            boolean allowUnanswered = Boolean.parseBoolean(o.getOrDefault("allow-unanswered", "false"));
            boolean closedLoops = !saturation.isZero();
            if (!closedLoops && rate <= 0) {
                throw new IllegalArgumentException("--saturation 0 needs a --rate above 0");
            }
            double throughput = Double.NaN;
            if (closedLoops) {
                Path wrk = wrkOption.equals("none") ? null : wrkOption.equals("auto") ? Wrk.find() : Path.of(wrkOption);
                if (wrk == null) {
                    System.err.println("http load: no wrk (install Debian's wrk): the closed-loop runs use our own generator");
                }
                closedLoop(wrk, port, warmup);
                throughput = closedLoop(wrk, port, saturation);
            }
            double offered = rate > 0 ? rate : OPEN_LOOP_SHARE * throughput;
            OpenLoop.Result r = OpenLoop.run(port, connections, offered, settle, open, pid, allowUnanswered);
            boolean any = r.answered() > 0;
            print("throughput", throughput);
            print("rate", offered);
            print("p50", any ? r.latency().getValueAtPercentile(50) / 1e6 : Double.NaN);
            print("p99", any ? r.latency().getValueAtPercentile(99) / 1e6 : Double.NaN);
            print("p999", any ? r.latency().getValueAtPercentile(99.9) / 1e6 : Double.NaN);
            print("max", any ? r.latency().getMaxValue() / 1e6 : Double.NaN);
            print("achieved", r.answered() / r.seconds());
            print("requests", r.requests());
            print("answered", r.answered());
            print("served", r.served());
            print("cpu-per-request", r.server() == null || !any ? Double.NaN : r.server().cpuMicros() / r.answered());
            print("ctxsw-per-request", r.server() == null || !any ? Double.NaN : r.server().ctxSwitches() / (double) r.answered());
            System.out.flush();
        } catch (Exception e) {
            System.err.println("http load: " + e);
            System.err.flush();
            System.exit(1);
        }
    }

    private static double closedLoop(Path wrk, int port, Duration d) throws Exception {
        return wrk != null ? Wrk.run(wrk, port, WRK_THREADS, WRK_CONNECTIONS, d)
                : ClosedLoop.run(port, WRK_CONNECTIONS, d);
    }

    private static void print(String name, double value) {
        System.out.printf(Locale.ROOT, "%s=%s%n", name, Double.toString(value));
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new HashMap<>();
        List<String> known = List.of("port", "pid", "rate", "warmup", "saturation", "settle", "open", "connections", "wrk",
                "allow-unanswered");
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : "";
            if (!known.contains(name) || i + 1 >= args.length) {
                throw new IllegalArgumentException("bad option " + args[i] + "; known: --" + String.join(", --", known));
            }
            o.put(name, args[i + 1]);
        }
        return o;
    }

    private static String required(Map<String, String> o, String name) {
        String v = o.get(name);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    private static Duration seconds(String s) {
        return Duration.ofMillis(Math.round(Double.parseDouble(s) * 1000));
    }
}
