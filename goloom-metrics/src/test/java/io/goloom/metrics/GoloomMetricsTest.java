package io.goloom.metrics;

import io.goloom.Go;
import io.goloom.GoHandle;
import io.goloom.GoRuntime;
import io.goloom.ProcStats;
import io.goloom.Tenant;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.DoublePredicate;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link GoloomMetrics} as a user sees it: bound to a Prometheus registry, read back from the
 * scraped text. Each test names the series it reads exactly, so a renamed meter or tag fails.
 */
@Timeout(60)
class GoloomMetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final AtomicInteger SEQ = new AtomicInteger();

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<GoRuntime> runtimes = new ArrayList<>();

    @AfterEach
    void closeRuntimes() {
        runtimes.forEach(GoRuntime::close);
        registry.close();
    }

    /** A runtime with a name unique in this JVM, bound to {@link #registry}. */
    private GoRuntime bound(int procs) {
        return bound(GoRuntime.builder().procs(procs));
    }

    /** The runtime {@code builder} builds, named uniquely, bound to {@link #registry}. */
    private GoRuntime bound(GoRuntime.Builder builder) {
        GoRuntime rt = builder.name("metrics" + SEQ.incrementAndGet()).build();
        runtimes.add(rt);
        new GoloomMetrics(rt).bindTo(registry);
        return rt;
    }

    /** Every meter, under the name and tags the class comment promises, once per runtime (per P for the queue). */
    @Test
    void scrapeHasEveryMeterUnderItsPrometheusName() {
        GoRuntime rt = bound(2);
        String r = "runtime=\"" + rt.name() + "\"";
        String text = registry.scrape();
        List<String> series = List.of(
                "goloom_goroutines{" + r + ",state=\"new\"}",
                "goloom_goroutines{" + r + ",state=\"runnable\"}",
                "goloom_goroutines{" + r + ",state=\"running\"}",
                "goloom_goroutines{" + r + ",state=\"waiting\"}",
                "goloom_runqueue_global{" + r + "}",
                "goloom_goroutines_class{priority=\"critical\"," + r + "}",
                "goloom_goroutines_class{priority=\"bulk\"," + r + "}",
                "goloom_runqueue_global_urgent{" + r + "}",
                "goloom_runqueue_global_bulk{" + r + "}",
                "goloom_runqueue_global_tenants{" + r + "}",
                "goloom_tenant_goroutines{" + r + ",tenant=\"default\"}",
                "goloom_tenant_runtime_seconds_total{" + r + ",tenant=\"default\"}",
                "goloom_runqueue_length{p=\"0\"," + r + "}",
                "goloom_runqueue_length{p=\"1\"," + r + "}",
                "goloom_threads{" + r + "}",
                "goloom_threads_idle{" + r + "}",
                "goloom_threads_spinning{" + r + "}",
                "goloom_procs{" + r + "}",
                "goloom_procs_idle{" + r + "}",
                "goloom_timers{" + r + "}",
                "goloom_goroutines_spawned_total{" + r + "}",
                "goloom_goroutine_runs_total{" + r + "}",
                "goloom_runnext_hits_total{" + r + "}",
                "goloom_globalqueue_grabs_total{" + r + "}",
                "goloom_steals_total{" + r + "}",
                "goloom_preemptions_total{" + r + "}",
                "goloom_handoffs_total{" + r + "}",
                "goloom_timers_fired_total{" + r + "}",
                "goloom_schedule_latency_seconds_count{" + r + "}",
                "goloom_schedule_latency_seconds_sum{" + r + "}",
                "goloom_schedule_latency_quantile_seconds{p=\"0\",quantile=\"0.5\"," + r + "}",
                "goloom_schedule_latency_quantile_seconds{p=\"1\",quantile=\"0.99\"," + r + "}",
                "goloom_schedule_latency_quantile_seconds{p=\"1\",quantile=\"1\"," + r + "}");
        for (String s : series) {
            double v = value(text, s);
            assertTrue(v >= 0 || (s.contains("quantile") && Double.isNaN(v)), s);
        }
        assertEquals(2, value(text, "goloom_procs{" + r + "}"));
        assertTrue(text.contains("# TYPE goloom_steals_total counter"), text);
        assertTrue(text.contains("# TYPE goloom_goroutines gauge"), text);
        assertTrue(text.contains("# TYPE goloom_schedule_latency_seconds summary"), text);
        // No DEAD series, and no P beyond procs-1.
        assertTrue(!text.contains("state=\"dead\""), text);
        assertTrue(!text.contains("goloom_runqueue_length{p=\"2\""), text);
    }

    /**
     * A tenant made after the first bind gets its meters from a second bind; its goroutine gauge
     * counts its parked goroutines, and its runtime and wait counters move once they ran, in
     * seconds, equal to what {@link Tenant} reports.
     */
    @Test
    void tenantMetersFollowTheTenant() throws InterruptedException {
        GoRuntime rt = bound(2);
        Tenant t = rt.tenant("billing", 300);
        new GoloomMetrics(rt).bindTo(registry);
        String tag = "{runtime=\"" + rt.name() + "\",tenant=\"billing\"}";
        assertEquals(300, value(registry.scrape(), "goloom_tenant_weight" + tag));
        CountDownLatch release = new CountDownLatch(1);
        List<GoHandle> parked = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            parked.add(t.go(() -> {
                long until = System.nanoTime() + 2_000_000;
                while (System.nanoTime() - until < 0) {
                    Thread.onSpinWait();   // 2 ms of CPU, so that the runtime counter moves
                }
                awaitUninterruptibly(release);
            }));
        }
        awaitSeries("goloom_tenant_goroutines" + tag, v -> v == 7);
        release.countDown();
        for (GoHandle h : parked) {
            assertTrue(h.join(WAIT), h::toString);
        }
        awaitSeries("goloom_tenant_goroutines" + tag, v -> v == 0);
        String text = registry.scrape();
        double runtime = value(text, "goloom_tenant_runtime_seconds_total" + tag);
        assertTrue(runtime >= 7 * 0.002, "7 goroutines ran 2 ms each: " + runtime);
        assertEquals(t.runtime().toNanos() / 1e9, runtime, 1e-9);
        assertTrue(value(text, "goloom_tenant_wait_seconds_total" + tag) > 0, text);
        assertTrue(value(text, "goloom_tenant_starve_seconds_total" + tag) >= 0, text);
    }

    /** The waiting gauge rises to exactly the goroutines parked on a latch and falls back once they finish. */
    @Test
    void waitingGaugeCountsParkedGoroutines() throws InterruptedException {
        GoRuntime rt = bound(2);
        String waiting = "goloom_goroutines{runtime=\"" + rt.name() + "\",state=\"waiting\"}";
        CountDownLatch release = new CountDownLatch(1);
        List<GoHandle> parked = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            parked.add(rt.go(() -> awaitUninterruptibly(release)));
        }
        awaitSeries(waiting, v -> v == 40);
        release.countDown();
        for (GoHandle h : parked) {
            assertTrue(h.join(WAIT), h::toString);
        }
        awaitSeries(waiting, v -> v == 0);
    }

    /** The spawned counter goes up by exactly the goroutines started between two scrapes. */
    @Test
    void spawnedCounterCountsEverySpawn() throws InterruptedException {
        GoRuntime rt = bound(2);
        String spawned = "goloom_goroutines_spawned_total{runtime=\"" + rt.name() + "\"}";
        double before = value(registry.scrape(), spawned);
        List<GoHandle> hs = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            hs.add(rt.go(() -> { }));
        }
        for (GoHandle h : hs) {
            assertTrue(h.join(WAIT), h::toString);
        }
        assertEquals(before + 25, value(registry.scrape(), spawned));
    }

    /**
     * Two goroutines hand a token back and forth, yield and sleep: runs, runnext hits,
     * global-queue grabs, timer fires and latency samples all move between two scrapes, and
     * once the runtime is idle every counter equals the sum of its {@link ProcStats} field (so a
     * counter wired to the wrong field fails even when both move).
     */
    @Test
    void schedulerCountersMoveUnderPingPong() throws InterruptedException {
        GoRuntime rt = bound(2);
        String r = "{runtime=\"" + rt.name() + "\"}";
        String before = registry.scrape();
        SynchronousQueue<Integer> ping = new SynchronousQueue<>(), pong = new SynchronousQueue<>();
        GoHandle a = rt.go(() -> {
            for (int i = 0; i < 500; i++) {
                putUninterruptibly(ping, i);
                takeUninterruptibly(pong);
                Go.yield();
            }
            try {
                Go.sleep(Duration.ofMillis(1));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        GoHandle b = rt.go(() -> {
            for (int i = 0; i < 500; i++) {
                putUninterruptibly(pong, takeUninterruptibly(ping));
            }
        });
        assertTrue(a.join(WAIT) && b.join(WAIT), "ping-pong did not finish");
        for (String counter : List.of("goloom_goroutine_runs_total", "goloom_runnext_hits_total",
                "goloom_globalqueue_grabs_total", "goloom_timers_fired_total", "goloom_schedule_latency_seconds_count",
                "goloom_schedule_latency_seconds_sum")) {
            double was = value(before, counter + r);
            awaitSeries(counter + r, v -> v > was);
        }
        // Runs were at least the 1000 hand-overs; one in 8 of each goroutine's runs is sampled.
        String after = registry.scrape();
        assertTrue(value(after, "goloom_goroutine_runs_total" + r) - value(before, "goloom_goroutine_runs_total" + r)
                >= 1000, after);
        assertTrue(value(after, "goloom_schedule_latency_seconds_count" + r) >= 100, after);
        // Idle now, so the counters hold still: each equals its field summed over the Ps.
        Map<String, ToLongFunction<ProcStats>> fields = Map.of(
                "goloom_goroutine_runs_total", ProcStats::goroutinesRun,
                "goloom_runnext_hits_total", ProcStats::runnextHits,
                "goloom_globalqueue_grabs_total", ProcStats::globalGrabs,
                "goloom_steals_total", ProcStats::stealsIn,
                "goloom_preemptions_total", ProcStats::preemptions,
                "goloom_handoffs_total", ProcStats::handoffs,
                "goloom_timers_fired_total", ProcStats::timersFired,
                "goloom_schedule_latency_seconds_count", ProcStats::latencySamples);
        fields.forEach((counter, field) -> awaitSeries(counter + r,
                v -> v == rt.procStats().stream().mapToLong(field).sum()));
        awaitSeries("goloom_schedule_latency_seconds_sum" + r,
                // Within a nanosecond: the registry's unit conversion may round differently.
                v -> Math.abs(v - rt.procStats().stream().mapToLong(ProcStats::latencyNanos).sum() / 1e9) < 1e-9);
    }

    /** A goroutine computing with checkpoints past preemptAfter is counted as preempted. */
    @Test
    void preemptionCounterMoves() throws InterruptedException {
        GoRuntime rt = bound(1);
        String preemptions = "goloom_preemptions_total{runtime=\"" + rt.name() + "\"}";
        double before = value(registry.scrape(), preemptions);
        // Computes until the scrape shows the preemption (a deadline bounds it if it never does).
        GoHandle hog = rt.go(() -> {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (value(registry.scrape(), preemptions) == before && System.nanoTime() < deadline) {
                Go.checkpoint();
            }
        });
        assertTrue(hog.join(WAIT.plusSeconds(5)), "hog did not stop");
        assertTrue(value(registry.scrape(), preemptions) > before, registry::scrape);
    }

    /**
     * A goroutine computing without checkpoints past retakeAfter, with work queued behind it,
     * loses its P: the hand-off counter moves.
     */
    @Test
    void handoffCounterMoves() throws InterruptedException {
        GoRuntime rt = bound(1);
        String handoffs = "goloom_handoffs_total{runtime=\"" + rt.name() + "\"}";
        double before = value(registry.scrape(), handoffs);
        CountDownLatch hogRunning = new CountDownLatch(1);
        GoHandle hog = rt.go(() -> {
            hogRunning.countDown();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (value(registry.scrape(), handoffs) == before && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
        });
        assertTrue(hogRunning.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "hog did not start");
        GoHandle queued = rt.go(() -> { });
        assertTrue(queued.join(WAIT) && hog.join(WAIT.plusSeconds(5)), "goroutines did not finish");
        assertTrue(value(registry.scrape(), handoffs) > before, registry::scrape);
    }

    /**
     * With the only P busy, goroutines its goroutine starts wait in its local queue and those
     * started from outside in the global queue: the two gauges show exactly those, then zero.
     */
    @Test
    void runQueueGaugesShowQueuedGoroutines() throws InterruptedException {
        // retakeAfter 1 h: sysmon must not hand the busy P off and let the queues drain early.
        GoRuntime rt = bound(GoRuntime.builder().procs(1).retakeAfter(Duration.ofHours(1)));
        String r = "runtime=\"" + rt.name() + "\"";
        String global = "goloom_runqueue_global{" + r + "}", local = "goloom_runqueue_length{p=\"0\"," + r + "}";
        CountDownLatch busy = new CountDownLatch(1), release = new CountDownLatch(1);
        List<GoHandle> queued = new ArrayList<>();
        GoHandle blocker = rt.go(() -> {
            for (int i = 0; i < 3; i++) {
                synchronized (queued) {
                    queued.add(Go.go(() -> { }));
                }
            }
            busy.countDown();
            // No checkpoint, no blocking call: the P stays this goroutine's until released.
            while (release.getCount() > 0) {
                Thread.onSpinWait();
            }
        });
        try {
            assertTrue(busy.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "blocker did not start");
            for (int i = 0; i < 5; i++) {
                GoHandle h = rt.go(() -> { });
                synchronized (queued) {
                    queued.add(h);
                }
            }
            String text = registry.scrape();
            assertEquals(5, value(text, global), text);
            assertEquals(3, value(text, local), text);
        } finally {
            release.countDown();
        }
        assertTrue(blocker.join(WAIT), "blocker did not finish");
        synchronized (queued) {
            for (GoHandle h : queued) {
                assertTrue(h.join(WAIT), h::toString);
            }
        }
        awaitSeries(global, v -> v == 0);
        awaitSeries(local, v -> v == 0);
    }

    /** A closed runtime still scrapes: its meters report its final values. */
    @Test
    void scrapingAfterCloseDoesNotThrow() {
        GoRuntime rt = bound(2);
        rt.go(() -> { });
        rt.close();
        String text = registry.scrape();
        assertEquals(1, value(text, "goloom_goroutines_spawned_total{runtime=\"" + rt.name() + "\"}"));
        assertEquals(0, value(text, "goloom_goroutines{runtime=\"" + rt.name() + "\",state=\"running\"}"));
    }

    /** Extra tags join the runtime tag on every meter. */
    @Test
    void extraTagsAreOnEveryMeter() {
        GoRuntime rt = GoRuntime.builder().name("metrics" + SEQ.incrementAndGet()).procs(1).build();
        runtimes.add(rt);
        new GoloomMetrics(rt, Tags.of("app", "shop")).bindTo(registry);
        String text = registry.scrape();
        long goloomSeries = text.lines().filter(l -> l.startsWith("goloom_")).count();
        long tagged = text.lines().filter(l -> l.startsWith("goloom_") && l.contains("app=\"shop\"")).count();
        assertTrue(goloomSeries > 20, text);
        assertEquals(goloomSeries, tagged, text);
    }

    @Test
    void nullArgumentsAreNamed() {
        GoRuntime rt = bound(1);
        assertEquals("rt", assertThrows(NullPointerException.class, () -> new GoloomMetrics(null)).getMessage());
        assertEquals("extraTags", assertThrows(NullPointerException.class, () -> new GoloomMetrics(rt, null)).getMessage());
        assertEquals("registry", assertThrows(NullPointerException.class,
                () -> new GoloomMetrics(rt).bindTo(null)).getMessage());
    }

    /**
     * Three goroutines on one P each compute 4 ms and yield: every sampled run waited ~8 ms for
     * the other two. The scrape after that load has P0's p99 near 8 ms; the next scrape, with
     * no run in between, has no sample in its interval: NaN.
     */
    @Test
    void latencyQuantilesPerPCoverTheIntervalSinceTheLastScrape() throws InterruptedException {
        GoRuntime rt = bound(GoRuntime.builder().procs(1).preemptAfter(Duration.ofHours(1))
                .retakeAfter(Duration.ofHours(1)));
        String p99 = "goloom_schedule_latency_quantile_seconds{p=\"0\",quantile=\"0.99\",runtime=\"" + rt.name() + "\"}";
        registry.scrape();   // the interval starts here
        List<GoHandle> hs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            hs.add(rt.go(() -> {
                for (int k = 0; k < 16; k++) {
                    for (long t0 = System.nanoTime(); System.nanoTime() - t0 < 4_000_000L; ) {
                        Thread.onSpinWait();
                    }
                    Go.yield();
                }
            }));
        }
        for (GoHandle h : hs) {
            assertTrue(h.join(WAIT));
        }
        LockSupport.parkNanos(2 * ScrapeMemo.TTL_NANOS);   // a new reading, not the one above
        double loaded = value(registry.scrape(), p99);
        assertTrue(loaded >= 0.0072 && loaded <= 0.08, () -> "p99 " + loaded + " s, expected ~0.008");
        LockSupport.parkNanos(2 * ScrapeMemo.TTL_NANOS);
        double idle = value(registry.scrape(), p99);
        assertTrue(Double.isNaN(idle), () -> "p99 of an interval without runs: " + idle);
    }

    // ---- helpers ----

    /** The value of {@code series} (name and labels exactly as Prometheus prints them) in {@code text}. */
    private static double value(String text, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
        if (!m.find()) {
            fail("no series " + series + " in the scrape:\n" + text);
        }
        return Double.parseDouble(m.group(1));
    }

    /** Scrapes until {@code series} satisfies {@code condition}, failing after {@link #WAIT}. */
    private void awaitSeries(String series, DoublePredicate condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String text = registry.scrape();
        while (!condition.test(value(text, series))) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + WAIT + " waiting for " + series + "; last scrape:\n" + text);
            }
            LockSupport.parkNanos(1_000_000);
            text = registry.scrape();
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void putUninterruptibly(SynchronousQueue<Integer> q, int v) {
        try {
            q.put(v);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int takeUninterruptibly(SynchronousQueue<Integer> q) {
        try {
            return q.take();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
