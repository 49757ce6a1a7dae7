package io.goloom.bench;

import io.goloom.bench.side.GoloomSide;
import io.goloom.bench.side.Side;
import io.goloom.bench.workload.GoProgram;
import io.goloom.bench.workload.Metric;
import io.goloom.bench.workload.Round;
import io.goloom.bench.workload.Target;
import io.goloom.bench.workload.Workload;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * The comparison harness. Each workload runs on goloom and on the JDK's default scheduler in
 * this one process, round by round: in every round both sides run once, and the side that goes
 * first swaps each round, so slow drift (JIT, heap growth, a noisy neighbour) falls on both
 * alike. Warm-up rounds are discarded; the medians of the measured rounds become the rows. A
 * {@linkplain Workload#singleRound() single-round} workload (a soak, a fresh-JVM measurement)
 * runs once per side.
 * Each workload gets one goloom runtime, shared by its rounds and closed after them. A round
 * that times out or throws ends its workload, reported as FAILED, and the run goes on. The Go
 * column, when there is one, comes from the workload's Go program, run after its Java rounds
 * so the two never compete for the cores.
 */
public final class Compare {

    /**
     * The shape of a run.
     *
     * @param warmup       rounds per side run first and discarded
     * @param rounds       rounds per side measured
     * @param roundTimeout the longest one round of one side may take
     * @param procs        goloom's Ps (and the Go programs' GOMAXPROCS)
     */
    public record Plan(int warmup, int rounds, Duration roundTimeout, int procs) {
    }

    /** Per-side values of the measured rounds, and why the rounds stopped early (null if they did not). */
    private record Samples(List<double[]> goloom, List<double[]> jdk, String failure) {
        Samples failed(String why) {
            return new Samples(goloom, jdk, why);
        }
    }

    private final Plan plan;
    private final Optional<GoColumn> go;
    private final PrintStream progress;
    /** Where to write an execution trace of one extra goloom round per workload, or empty. */
    private final Optional<Path> traceDir;
    private final List<String> notes = new ArrayList<>();

    /** A harness running {@code plan}, with the Go column if {@code go} has one, logging to {@code progress}. */
    public Compare(Plan plan, Optional<GoColumn> go, PrintStream progress) {
        this(plan, go, progress, Optional.empty());
    }

    /**
     * The same, and after each workload's measured rounds one more goloom round, traced into
     * {@code traceDir/<workload>.json} (Chrome Trace Event JSON) and not counted: tracing costs
     * time, so a traced round never becomes a number in the table.
     */
    public Compare(Plan plan, Optional<GoColumn> go, PrintStream progress, Optional<Path> traceDir) {
        this.plan = plan;
        this.go = go;
        this.progress = progress;
        this.traceDir = traceDir;
    }

    /** Runs {@code workloads} in order and returns their rows, in the same order. */
    public List<Row> run(List<Workload> workloads) throws InterruptedException {
        List<Row> rows = new ArrayList<>();
        for (Workload w : workloads) {
            rows.addAll(measure(w));
        }
        return rows;
    }

    /** What went wrong outside the table (a Go program that failed), one line each. */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    private List<Row> measure(Workload w) throws InterruptedException {
        long start = System.nanoTime();
        Samples samples = runRounds(w);
        Map<String, Double> goValues = w.goProgram().isPresent() && go.isPresent()
                ? runGo(go.get(), w.goProgram().get()) : Map.of();
        progress.printf(Locale.ROOT, "%-15s %s in %.1f s%n", w.name(),
                samples.failure() == null ? "done" : "FAILED (" + samples.failure() + ")",
                (System.nanoTime() - start) / 1e9);
        List<Row> rows = new ArrayList<>();
        List<Metric> metrics = w.metrics();
        for (int i = 0; i < metrics.size(); i++) {
            Metric m = metrics.get(i);
            rows.add(new Row(w.name(), m, median(samples.goloom(), i),
                    w.usesScheduler() ? median(samples.jdk(), i) : null, goValues.get(m.name()),
                    samples.failure(), versus(m.target(), i, metrics, samples)));
        }
        return rows;
    }

    /**
     * For a target across rows, what metric {@code i}'s goloom median is divided by: the JDK
     * median of the metric it names, or the lowest median of every other cell of the workload.
     */
    private static Double versus(Target target, int i, List<Metric> metrics, Samples samples) {
        return switch (target.kind()) {
            case RATIO, ABSOLUTE -> null;
            case VERSUS_JDK -> {
                for (int j = 0; j < metrics.size(); j++) {
                    if (metrics.get(j).name().equals(target.versus())) {
                        yield median(samples.jdk(), j);
                    }
                }
                throw new IllegalStateException("target " + target + ": no metric " + target.versus());
            }
            case FASTEST -> {
                Double lowest = null;
                for (int j = 0; j < metrics.size(); j++) {
                    for (Double other : new Double[] {j == i ? null : median(samples.goloom(), j),
                            median(samples.jdk(), j)}) {
                        if (other != null && (lowest == null || other < lowest)) {
                            lowest = other;
                        }
                    }
                }
                yield lowest;
            }
        };
    }

    /** The measured rounds of each side, up to the first failure. */
    private Samples runRounds(Workload w) throws InterruptedException {
        Samples samples = new Samples(new ArrayList<>(), new ArrayList<>(), null);
        try (Side goloom = Side.open(Side.GOLOOM, plan.procs()); Side jdk = Side.open(Side.JDK, plan.procs())) {
            List<Side> sides = w.usesScheduler() ? List.of(goloom, jdk) : List.of(goloom);
            int warmup = w.singleRound() ? 0 : plan.warmup();
            int rounds = w.singleRound() ? 1 : plan.rounds();
            for (int r = 0; r < warmup + rounds; r++) {
                for (Side side : r % 2 == 0 ? sides : sides.reversed()) {
                    try {
                        double[] values = runRound(w, side);
                        if (r >= warmup) {
                            (side == goloom ? samples.goloom() : samples.jdk()).add(values);
                        }
                    } catch (TimeoutException e) {
                        return samples.failed(on(w, side) + e.getMessage());
                    } catch (InterruptedException e) {
                        throw e;
                    } catch (Exception e) {
                        progress.println(w.name() + ": round " + r + " on " + side.name() + " threw:");
                        e.printStackTrace(progress);
                        return samples.failed(on(w, side) + essence(e));
                    }
                }
            }
            if (traceDir.isPresent() && goloom instanceof GoloomSide g) {
                traceOneRound(w, g, traceDir.get().resolve(w.name() + ".json"));
            }
        }
        return samples;
    }

    /** One more goloom round of {@code w} under the execution trace, written to {@code file}. */
    private void traceOneRound(Workload w, GoloomSide side, Path file) throws InterruptedException {
        try {
            side.runtime().startTrace(file);
            try {
                runRound(w, side);
            } finally {
                notes.add("trace of " + w.name() + ": " + side.runtime().stopTrace());
            }
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            notes.add("trace of " + w.name() + " failed: " + essence(e));
        }
    }

    private double[] runRound(Workload w, Side side) throws Exception {
        // Start every round from the same heap: the garbage of the previous round (a million
        // spawned threads) would otherwise be collected on the clock of the next side.
        System.gc();
        double[] values = w.run(new Round(side, w.roundTimeout(plan.roundTimeout())));
        if (values.length != w.metrics().size()) {
            throw new IllegalStateException(w.name() + " returned " + Arrays.toString(values)
                    + " for metrics " + w.metrics());
        }
        return values;
    }

    private Map<String, Double> runGo(GoColumn column, GoProgram program) throws InterruptedException {
        try {
            return column.run(program);
        } catch (IOException | TimeoutException | NumberFormatException e) {
            notes.add("go " + program.name() + ": " + e.getMessage());
            return Map.of();
        }
    }

    /** Which side failed, when the workload has sides. */
    private static String on(Workload w, Side side) {
        return w.usesScheduler() ? side.name() + ": " : "";
    }

    /** The exception worth a table cell: thread and class-initialisation wrappers peeled off. */
    private static Throwable essence(Throwable t) {
        while ((t instanceof ExecutionException || t instanceof ExceptionInInitializerError)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** The median of metric {@code i} over {@code samples}; null if there are none. */
    private static Double median(List<double[]> samples, int i) {
        if (samples.isEmpty()) {
            return null;
        }
        double[] v = samples.stream().mapToDouble(s -> s[i]).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
