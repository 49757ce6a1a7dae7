package io.goloom.bench.http;

import io.goloom.bench.side.Side;
import io.goloom.bench.workload.GoProgram;
import io.goloom.bench.workload.Metric;
import io.goloom.bench.workload.Round;
import io.goloom.bench.workload.Target;
import io.goloom.bench.workload.Workload;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * http: a real Jetty 12 server (core {@code Handler}, {@link HelloHandler}: about 20 us of CPU,
 * a 1 ms {@code Thread.sleep}, a 9-byte reply) in a fresh JVM per side, its request virtual
 * threads on goloom or on the JDK's default scheduler, loaded by the {@link LoadMain} child:
 * closed-loop warm-up and saturation ({@code wrk -t2 -c100}: throughput), then an open loop at
 * 70% of the <em>JDK side's</em> saturation throughput (p50/p99/p999 from the intended send
 * time, the server's CPU time and context switches per request from /proc).
 *
 * <p>The open-loop rate must be the same on both sides and comes from the JDK's saturation run,
 * but the harness runs a single-round workload's goloom round first. So whichever round comes
 * first measures the JDK side in full (its saturation run gives the rate) and keeps its values
 * for the JDK round, which then returns them; each side is still measured exactly once, each in
 * its own JVM, one after the other, never both at once.
 *
 * <p>The row fails, naming the side and the counts, unless every request on the goloom side ran
 * in a goloom goroutine and none on the JDK side did (both on virtual threads), and on any
 * connection error or response other than 200.
 *
 * <p>The Go column: {@code src/main/go/http/main.go} serves the same handler with net/http
 * and runs this same generator against itself, at the JDK side's rate, so Go's numbers come
 * from the same client. {@link #goProgram()} is asked after the Java rounds and carries that
 * rate.
 */
public final class Http implements Workload {

    static final String THROUGHPUT = "throughput", P50 = "p50", P99 = "p99", P999 = "p999",
            CTXSW = "ctxsw-per-request", CPU = "cpu-per-request";
    /** The handler's CPU work per request. */
    static final Duration WORK = Duration.ofNanos(20_000);
    private static final Duration READY = Duration.ofSeconds(60), STOP = Duration.ofSeconds(30),
            SLACK = Duration.ofSeconds(60);
    /** Extra flags for the server JVMs, space-separated, e.g. {@code -XX:StartFlightRecording=filename=/tmp/http-%p.jfr}. */
    static final String SERVER_FLAGS_PROPERTY = "goloom.bench.http.serverJvmArgs";

    /**
     * The phases of one side.
     *
     * @param warmup     closed loop, discarded
     * @param saturation closed loop, measured: the throughput
     * @param settle     open loop, discarded
     * @param open       open loop, measured
     */
    public record Phases(Duration warmup, Duration saturation, Duration settle, Duration open) {
        /** The full run's: 3 s + 10 s closed loop, 2 s + 15 s open loop. */
        public static final Phases FULL = new Phases(Duration.ofSeconds(3), Duration.ofSeconds(10),
                Duration.ofSeconds(2), Duration.ofSeconds(15));
        /** {@code --quick}'s: 2 s + 3 s closed loop, 1 s + 4 s open loop. */
        public static final Phases QUICK = new Phases(Duration.ofSeconds(2), Duration.ofSeconds(3),
                Duration.ofSeconds(1), Duration.ofSeconds(4));

        Duration total() {
            return warmup.plus(saturation).plus(settle).plus(open);
        }

        List<String> args() {
            return List.of("--warmup", seconds(warmup), "--saturation", seconds(saturation),
                    "--settle", seconds(settle), "--open", seconds(open));
        }

        /** {@code d} as LoadMain's seconds option. */
        static String seconds(Duration d) {
            return Double.toString(d.toMillis() / 1000.0);
        }
    }

    /**
     * One side's values, in {@link #metrics()} order, and the open-loop rate it ran.
     *
     * @param values the metrics
     * @param rate   requests/s of its open loop
     * @param counts where its server's handlers ran
     */
    record Measured(double[] values, double rate, HelloHandler.Counts counts) {
    }

    private final Phases phases;
    /** Iterations of {@link Work#spin} for {@link #WORK}, calibrated at the first round. */
    private int work = -1;
    /** The JDK side measured ahead of its round, by a goloom round that needed its rate; else null. */
    private Measured jdkAhead;
    /** The rate of a JDK round that ran first, not yet used by a goloom round; else null. */
    private Double jdkRateUnused;
    /** The open-loop rate of the last rounds, for the Go program; 0 before any. */
    private double lastRate;

    /** A full run ({@code quick} false) or {@code --quick}'s. */
    public Http(boolean quick) {
        this(quick ? Phases.QUICK : Phases.FULL);
    }

    /** A run of {@code phases} per side. */
    public Http(Phases phases) {
        this.phases = phases;
    }

    @Override
    public String name() {
        return "http";
    }

    @Override
    public List<Metric> metrics() {
        return List.of(
                new Metric(THROUGHPUT, "req/s", Target.atLeast(1.15)),
                new Metric(P50, "ms", Target.atMost(1.0)),
                new Metric(P99, "ms", Target.atMost(1.0)),
                Metric.of(P999, "ms"),
                new Metric(CTXSW, "switches", Target.atMost(0.5)),
                Metric.of(CPU, "us"));
    }

    @Override
    public boolean singleRound() {
        return true;
    }

    /** Room for two sides (the first round may measure the JDK's too), JVM starts and the drains. */
    @Override
    public Duration roundTimeout(Duration planned) {
        Duration twoSides = phases.total().plus(READY).plus(SLACK).multipliedBy(2);
        return planned.compareTo(twoSides) > 0 ? planned : twoSides;
    }

    @Override
    public Optional<GoProgram> goProgram() {
        List<String> args = new ArrayList<>(List.of("-work-us", Long.toString(WORK.toNanos() / 1000), "--"));
        args.addAll(loadCommand(lastRate));
        return Optional.of(new GoProgram("http", args));
    }

    @Override
    public double[] run(Round round) throws Exception {
        if (work < 0) {
            work = Work.calibrate(WORK);
        }
        String side = round.side().name();
        if (side.equals(Side.JDK)) {
            Measured m = jdkAhead;
            jdkAhead = null;
            if (m == null) {
                m = measure(Side.JDK, 0);
                jdkRateUnused = m.rate();
            }
            lastRate = m.rate();
            return m.values();
        }
        jdkAhead = null;
        double rate;
        if (jdkRateUnused != null) {
            rate = jdkRateUnused;
            jdkRateUnused = null;
        } else {
            try {
                jdkAhead = measure(Side.JDK, 0);
            } catch (Exception e) {
                throw new IOException("measuring the jdk side first, for the open-loop rate: " + e.getMessage(), e);
            }
            rate = jdkAhead.rate();
        }
        lastRate = rate;
        return measure(side, rate).values();
    }

    /** The open-loop rate of this run's rounds (70% of the JDK side's saturation), or 0 before any. */
    double lastRate() {
        return lastRate;
    }

    /** The load generator's command line, without the server's port and pid; {@code rate} 0: 70% of its own saturation. */
    List<String> loadCommand(double rate) {
        List<String> args = new ArrayList<>(phases.args());
        args.addAll(List.of("--rate", Double.toString(rate)));
        return Child.java(LoadMain.class.getName(), "256m", List.of(), args);
    }

    /**
     * Runs {@code side}'s server child and the generator against it; {@code rate} 0 offers 70%
     * of the saturation throughput just measured.
     */
    Measured measure(String side, double rate) throws Exception {
        Served served = serve(side, List.of(), List.of("--work", Integer.toString(work)), loadCommand(rate),
                phases.total(), false);
        Map<String, Double> values = served.values();
        double[] result = new double[metrics().size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = require(values, metrics().get(i).name());
        }
        double offered = require(values, "rate");
        System.err.printf(Locale.ROOT, "http %-6s saturation %.0f req/s; open loop at %.0f req/s (achieved %.0f):"
                        + " p50 %.2f p99 %.2f p999 %.2f max %.2f ms; %.1f us CPU and %.2f context switches per request;"
                        + " %s%n", side, result[0], offered, values.getOrDefault("achieved", Double.NaN),
                result[1], result[2], result[3], values.getOrDefault("max", Double.NaN), result[5], result[4],
                served.counts().line());
        return new Measured(result, offered, served.counts());
    }

    /**
     * What one server child and the generator against it measured.
     *
     * @param values    the generator's {@code name=value} lines
     * @param counts    where the server's handlers ran
     * @param hogChunks the chunks of work its CPU hogs did, if it had any
     */
    record Served(Map<String, Double> values, HelloHandler.Counts counts, long hogChunks) {
    }

    /**
     * Starts {@code side}'s server child, with {@code jvmFlags} and {@code serverArgs} (after {@code --side}), runs
     * {@code load} (the generator's command line, without the server's port and pid; it takes
     * about {@code loadTime}) against it, stops the server and checks where its requests ran.
     * {@code starvable}: a server that answered no request is a result (a starved JDK side), not
     * a failure.
     */
    static Served serve(String side, List<String> jvmFlags, List<String> serverArgs, List<String> load,
                        Duration loadTime, boolean starvable) throws Exception {
        List<String> flags = new ArrayList<>(List.of("-Dslf4j.internal.verbosity=ERROR"));
        flags.addAll(jvmFlags);
        String extra = System.getProperty(SERVER_FLAGS_PROPERTY, "").strip();
        if (!extra.isEmpty()) {
            flags.addAll(Arrays.asList(extra.split("\\s+")));
        }
        List<String> args = new ArrayList<>(List.of("--side", side));
        args.addAll(serverArgs);
        List<String> serverCommand = Child.java(ServerMain.class.getName(), "512m", flags, args);
        try (Child server = Child.start("http server child (" + side + ")", serverCommand)) {
            String portLine = server.awaitLine("port=", READY);
            server.awaitLine("ready", READY);
            int port = Integer.parseInt(portLine.substring("port=".length()).strip());
            List<String> loadArgs = new ArrayList<>(load);
            loadArgs.addAll(List.of("--port", Integer.toString(port), "--pid", Long.toString(server.pid())));
            List<String> out;
            try (Child generator = Child.start("http load generator (" + side + ")", loadArgs)) {
                out = generator.awaitExit(loadTime.plus(SLACK));
            } catch (Exception e) {
                if (!server.alive()) {
                    throw server.failure("died under load");
                }
                throw e;
            }
            server.send("stop");
            HelloHandler.Counts counts = HelloHandler.Counts.parse(server.awaitLine("handled=", STOP));
            long hogChunks = Long.parseLong(server.awaitLine("hog-chunks=", STOP).substring("hog-chunks=".length()).strip());
            server.awaitExit(STOP);
            if (!starvable || counts.handled() > 0) {
                counts.verify(side);
            }
            Map<String, Double> values = parse(out);
            double answered = values.containsKey("answered") ? values.get("answered") : require(values, "requests");
            if (counts.handled() < answered) {
                throw new IOException("the " + side + " server handled " + counts.handled() + " requests, fewer than the "
                        + answered + " the open loop saw answered");
            }
            return new Served(values, counts, hogChunks);
        }
    }

    static Map<String, Double> parse(List<String> lines) {
        Map<String, Double> values = new LinkedHashMap<>();
        for (String line : lines) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), Double.parseDouble(line.substring(eq + 1).strip()));
            }
        }
        return values;
    }

    static double require(Map<String, Double> values, String name) throws IOException {
        Double v = values.get(name);
        if (v == null) {
            throw new IOException("the http load generator printed no " + name + ": " + values);
        }
        return v;
    }
}
