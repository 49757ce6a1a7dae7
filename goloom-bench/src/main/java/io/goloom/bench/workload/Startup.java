package io.goloom.bench.workload;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * startup: what the first use of a scheduler costs in a fresh JVM, the price a command-line tool
 * or a serverless function pays on every run. Each round starts {@code runs} (3) child JVMs for
 * the round's side ({@link StartupChild}, with this JVM's flags) and reports the median of each
 * metric over them:
 * <ul>
 *   <li>{@code build-ms}: on goloom, {@code GoRuntime.builder().build()}; on the JDK, its nearest
 *       equivalent, {@code Executors.newVirtualThreadPerTaskExecutor()} (the JDK's scheduler is
 *       built on the first virtual thread's start, so this cost lands in the next metric);</li>
 *   <li>{@code first-goroutine-ms}: from the child's {@code main} to an empty goroutine having
 *       run and been joined, build included: {@code rt.go(() -> {}).join()} on goloom,
 *       {@code Thread.ofVirtual().start(() -> {}).join()} on the JDK.</li>
 * </ul>
 * The JVM's own start, before {@code main}, is the same on both sides and not counted. The
 * target (issue 14) is on goloom's own {@code build()} time: at most 50 ms. Measured once per
 * side ({@link #singleRound()}): a fresh JVM has nothing to warm. Go has no analogue: its
 * scheduler is ready before {@code main.main}.
 */
public final class Startup implements Workload {

    static final String BUILD = "build-ms", FIRST = "first-goroutine-ms";

    private final int runs;

    /** {@code runs} fresh JVMs per side. */
    public Startup(int runs) {
        this.runs = runs;
    }

    @Override
    public String name() {
        return "startup";
    }

    @Override
    public List<Metric> metrics() {
        return List.of(new Metric(BUILD, "ms", Target.valueAtMost(50)), Metric.of(FIRST, "ms"));
    }

    @Override
    public boolean singleRound() {
        return true;
    }

    @Override
    public double[] run(Round round) throws Exception {
        List<Metric> metrics = metrics();
        double[][] samples = new double[metrics.size()][runs];
        for (int r = 0; r < runs; r++) {
            Map<String, Double> values = inChildJvm(round);
            for (int i = 0; i < metrics.size(); i++) {
                Double v = values.get(metrics.get(i).name());
                if (v == null || !(v >= 0)) {
                    throw new IOException("the startup child printed no " + metrics.get(i).name() + ": " + values);
                }
                samples[i][r] = v;
            }
        }
        double[] result = new double[metrics.size()];
        for (int i = 0; i < result.length; i++) {
            double[] v = samples[i];
            Arrays.sort(v);
            result[i] = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        }
        return result;
    }

    /** Runs {@link StartupChild} for this round's side in a new JVM and parses its lines. */
    private static Map<String, Double> inChildJvm(Round round) throws Exception {
        // Not a flight recording of the bench: it would time the recorder's start-up.
        List<String> command = ChildJvm.javaLikeThis("-XX:StartFlightRecording", "-XX:FlightRecorderOptions");
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), StartupChild.class.getName(),
                round.side().name()));
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(child.getInputStream().readAllBytes());
        int status = round.waitFor(child);
        if (status != 0) {
            throw new IOException("the startup child exited with " + status + ": " + out.strip());
        }
        Map<String, Double> values = new LinkedHashMap<>();
        out.lines().filter(line -> line.indexOf('=') > 0).forEach(line -> {
            int eq = line.indexOf('=');
            values.put(line.substring(0, eq), Double.parseDouble(line.substring(eq + 1).strip()));
        });
        return values;
    }
}
