package io.goloom.bench.workload;

import io.goloom.bench.side.Side;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;

/**
 * footprint: what a parked goroutine costs. {@code count} goroutines each wait on one latch (a
 * park, as most goroutines of a server spend their life); after full collections, the heap in use
 * minus the heap before them, divided by {@code count}, is each one's retained heap. The
 * resident set's growth over the same span is reported beside it.
 *
 * <p>Every round runs in a fresh JVM ({@code ./goloom footprint}, with this JVM's flags), so
 * neither side inherits the other's committed heap, class metadata or garbage; the child warms
 * the park path up first, because a stack frozen from interpreted frames is larger than one
 * frozen from compiled frames.
 */
public final class Footprint implements Workload {

    static final String HEAP = "heap/goroutine", RSS = "RSS/goroutine";
    private static final int WARMUP_THREADS = 100_000, WARMUP_ROUNDS = 3;

    private final int count;

    /** {@code count} parked goroutines per round. */
    public Footprint(int count) {
        this.count = count;
    }

    @Override
    public String name() {
        return "footprint";
    }

    @Override
    public List<Metric> metrics() {
        return List.of(new Metric(HEAP, "B", Target.atMost(1.1)), Metric.of(RSS, "B"));
    }

    @Override
    public boolean singleRound() {
        return true;
    }

    @Override
    public double[] run(Round round) throws Exception {
        Map<String, Double> values = inChildJvm(round);
        List<Metric> metrics = metrics();
        double[] result = new double[metrics.size()];
        for (int i = 0; i < result.length; i++) {
            Double v = values.get(metrics.get(i).name());
            if (v == null) {
                throw new IOException("the footprint child printed no " + metrics.get(i).name() + ": " + values);
            }
            result[i] = v;
        }
        return result;
    }

    /** Runs {@code ./goloom footprint} for this round's side in a new JVM and parses its lines. */
    private Map<String, Double> inChildJvm(Round round) throws IOException, InterruptedException, TimeoutException {
        List<String> command = ChildJvm.javaLikeThis();
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.goloom.bench.Main",
                "footprint", "--side", round.side().name(), "--count", Integer.toString(count)));
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(child.getInputStream().readAllBytes());
        int status = round.waitFor(child);
        if (status != 0) {
            throw new IOException("the footprint child exited with " + status + ": " + out.strip());
        }
        Map<String, Double> values = new LinkedHashMap<>();
        out.lines().filter(line -> line.indexOf('=') > 0).forEach(line -> {
            int eq = line.indexOf('=');
            values.put(line.substring(0, eq), Double.parseDouble(line.substring(eq + 1).strip()));
        });
        return values;
    }

    /**
     * The measurement, run in the child JVM: prints {@code name=value} per metric and, with
     * {@code histogram}, the top of the class histogram while every goroutine is parked.
     *
     * @throws TimeoutException if the goroutines have not all parked within {@code timeout}
     */
    public static void measure(Side side, int count, boolean histogram, Duration timeout, PrintStream out)
            throws InterruptedException, TimeoutException {
        for (int i = 0; i < WARMUP_ROUNDS; i++) {
            parkAndRelease(side, Math.min(count, WARMUP_THREADS), timeout, null);
        }
        parkAndRelease(side, count, timeout, new Sampler() {
            private long heap, rss;

            @Override
            public void beforeStart() {
                heap = Memory.heapAfterGc();
                rss = Memory.rss();
            }

            @Override
            public void whileParked() {
                long heapNow = Memory.heapAfterGc();
                long rssNow = Memory.rss();
                out.printf(Locale.ROOT, "%s=%.1f%n", HEAP, (heapNow - heap) / (double) count);
                out.printf(Locale.ROOT, "%s=%.1f%n", RSS, rss < 0 ? Double.NaN : (rssNow - rss) / (double) count);
                if (histogram) {
                    out.println("class histogram with " + count + " goroutines parked on " + side.name()
                            + " (divide bytes by " + count + " for the cost per goroutine):");
                    Memory.histogram(16).forEach(out::println);
                }
            }
        });
    }

    /** Measures around the parked goroutines; the thread array already exists, so it is not counted. */
    private interface Sampler {
        void beforeStart();

        void whileParked();
    }

    /**
     * Starts {@code n} goroutines that each wait on one latch, waits until every one is parked,
     * then releases and joins them all; {@code sampler}, if there is one, runs before the starts
     * and while all are parked.
     */
    private static void parkAndRelease(Side side, int n, Duration timeout, Sampler sampler)
            throws InterruptedException, TimeoutException {
        Round round = new Round(side, timeout);
        CountDownLatch release = new CountDownLatch(1);
        Thread[] threads = new Thread[n];
        if (sampler != null) {
            sampler.beforeStart();
        }
        for (int i = 0; i < n; i++) {
            int id = i;
            threads[i] = side.start(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException("goroutine " + id + " interrupted", e);
                }
            });
        }
        round.awaitParked(threads);
        if (sampler != null) {
            sampler.whileParked();
        }
        release.countDown();
        round.join(threads);
    }
}
