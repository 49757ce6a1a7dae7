package io.goloom.metrics;

import io.goloom.GoRuntime;
import io.goloom.GoroutineState;
import io.goloom.LatencyHistogram;
import io.goloom.Priority;
import io.goloom.ProcStats;
import io.goloom.SchedTrace;
import io.goloom.Tenant;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Binds a {@link GoRuntime}'s scheduler to a Micrometer registry: goroutines by state, run
 * queues, carriers (Ms) and Ps, the scheduler's counters and the schedule latency.
 *
 * <pre>{@code
 * PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
 * try (GoRuntime rt = GoRuntime.builder().name("rpc").build()) {
 *     new GoloomMetrics(rt).bindTo(registry);
 *     // ... registry.scrape() now has goloom_goroutines{runtime="rpc",state="waiting"} 12 ...
 * }
 * }</pre>
 *
 * <p>Every meter is tagged {@code runtime=<rt.name()>} plus the extra tags given to the
 * constructor. Names are Micrometer's dot-separated ones; Prometheus shows them with
 * underscores, counters with {@code _total} and the timer in seconds.
 *
 * <table>
 * <caption>Meters</caption>
 * <tr><th>name</th><th>type</th><th>extra tags</th><th>what</th></tr>
 * <tr><td>{@code goloom.goroutines}</td><td>gauge</td><td>{@code state}: new, runnable, running, waiting</td>
 *     <td>live goroutines in that state</td></tr>
 * <tr><td>{@code goloom.goroutines.class}</td><td>gauge</td><td>{@code priority}: critical, high,
 *     normal, bulk</td><td>live goroutines of that class ({@link io.goloom.Priority}; kept as they
 *     start and end, no walk)</td></tr>
 * <tr><td>{@code goloom.runqueue.global}</td><td>gauge</td><td></td><td>goroutines in the global queue</td></tr>
 * <tr><td>{@code goloom.runqueue.global.urgent}</td><td>gauge</td><td></td><td>of those, the CRITICAL and
 *     HIGH goroutines ({@link io.goloom.Priority})</td></tr>
 * <tr><td>{@code goloom.runqueue.global.tenants}</td><td>gauge</td><td></td><td>of those, the goroutines
 *     in the lanes of tenants other than the default one ({@link Tenant})</td></tr>
 * <tr><td>{@code goloom.runqueue.global.bulk}</td><td>gauge</td><td></td><td>of those, the goroutines in
 *     its bulk lane: BULK ones, and CPU hogs preempted under the fair policy
 *     ({@link io.goloom.SchedulingPolicy})</td></tr>
 * <tr><td>{@code goloom.runqueue.length}</td><td>gauge</td><td>{@code p}: 0 to procs-1</td>
 *     <td>goroutines in that P's local run queue ({@code runnext} not included)</td></tr>
 * <tr><td>{@code goloom.threads}</td><td>gauge</td><td></td><td>carrier threads (Ms), idle ones included</td></tr>
 * <tr><td>{@code goloom.threads.idle}</td><td>gauge</td><td></td><td>Ms parked on the idle list</td></tr>
 * <tr><td>{@code goloom.threads.spinning}</td><td>gauge</td><td></td><td>Ms looking for work to steal</td></tr>
 * <tr><td>{@code goloom.procs}</td><td>gauge</td><td></td><td>Ps (GOMAXPROCS)</td></tr>
 * <tr><td>{@code goloom.procs.idle}</td><td>gauge</td><td></td><td>Ps on the idle list</td></tr>
 * <tr><td>{@code goloom.timers}</td><td>gauge</td><td></td><td>entries in all Ps' timer heaps</td></tr>
 * <tr><td>{@code goloom.goroutines.spawned}</td><td>function counter</td><td></td>
 *     <td>goroutines created ({@link GoRuntime#goroutinesCreated()}); not {@code .created}: Prometheus
 *     strips that reserved suffix, and the name would collide with {@code goloom.goroutines}</td></tr>
 * <tr><td>{@code goloom.goroutine.runs}</td><td>function counter</td><td></td>
 *     <td>goroutine runs started (one per mount on a carrier)</td></tr>
 * <tr><td>{@code goloom.runnext.hits}</td><td>function counter</td><td></td>
 *     <td>runs taken from a {@code runnext} slot</td></tr>
 * <tr><td>{@code goloom.globalqueue.grabs}</td><td>function counter</td><td></td>
 *     <td>goroutines taken from the global queue</td></tr>
 * <tr><td>{@code goloom.steals}</td><td>function counter</td><td></td><td>goroutines stolen from another P</td></tr>
 * <tr><td>{@code goloom.preemptions}</td><td>function counter</td><td></td>
 *     <td>yields at {@code Go.checkpoint()} that sysmon asked for</td></tr>
 * <tr><td>{@code goloom.handoffs}</td><td>function counter</td><td></td>
 *     <td>Ps sysmon took from a carrier stuck past {@code retakeAfter}</td></tr>
 * <tr><td>{@code goloom.timers.fired}</td><td>function counter</td><td></td><td>timers fired</td></tr>
 * <tr><td>{@code goloom.schedule.latency}</td><td>function timer</td><td></td>
 *     <td>time from being readied to starting to run, sampled</td></tr>
 * <tr><td>{@code goloom.tenant.goroutines}, {@code goloom.tenant.weight}</td><td>gauge</td>
 *     <td>{@code tenant}: its name</td><td>live goroutines of that tenant ({@link Tenant}), and its weight</td></tr>
 * <tr><td>{@code goloom.tenant.runtime}, {@code goloom.tenant.wait}, {@code goloom.tenant.starve}</td>
 *     <td>function counter (seconds)</td><td>{@code tenant}: its name</td><td>the time the tenant's
 *     goroutines ran, waited runnable, and the time it starved (runnable, none running):
 *     {@link Tenant#runtime()}, {@link Tenant#waitTime()}, {@link Tenant#starveTime()}. For the
 *     tenants the runtime has when {@code bindTo} runs: bind again after making more (meters
 *     already registered are reused)</td></tr>
 * <tr><td>{@code goloom.schedule.latency.quantile}</td><td>time gauge</td>
 *     <td>{@code p}: 0 to procs-1; {@code quantile}: 0.5, 0.9, 0.99, 0.999, 1</td>
 *     <td>that quantile of the P's sampled schedule latencies since the previous scrape
 *     ({@link GoRuntime#scheduleLatency()}: a log-linear histogram kept per P, 12.5% resolution;
 *     1 is the largest bucket's upper bound); NaN when the P sampled no run in that interval</td></tr>
 * </table>
 *
 * <p><b>Sums, not per-P series.</b> The counters and the timer add up all Ps (the latency
 * quantiles are the exception: a scheduler's latency is a per-P matter, as Go's traces show it). Tagging them by
 * {@code p} would multiply their nine series by {@code procs} (up to 4096) for detail a
 * dashboard rarely uses; per-P imbalance shows in {@code goloom.runqueue.length}, the one gauge kept per
 * P, and {@link GoRuntime#procStats()} has every counter per P for a closer look.
 * {@code DEAD} goroutines get no gauge: the runtime forgets goroutines as they finish.
 *
 * <p><b>Schedule latency is sampled.</b> Each goroutine's latency is measured on one run in 8,
 * as Go does, because reading the clock costs as much as the rest of a switch; the timer's
 * count is the number of sampled runs (compare {@code goloom.goroutine.runs}) and its mean is the
 * mean latency. A function timer has no percentiles: the quantile gauges have them, per P and
 * per scrape interval (the way a Prometheus summary reports quantiles over a recent window),
 * from each P's histogram read once per scrape.
 *
 * <p><b>Cost of a scrape.</b> The gauges and counters read three snapshots, each taken once per
 * scrape and shared by the meters that need it (see {@link ScrapeMemo}, which has the
 * measurements): the per-P counters (a record per P), the schedtrace numbers (one short hold of
 * the scheduler lock), and the goroutine states, which walks every live goroutine:
 * O(goroutines), about 40 ms per million on a 2-core machine, so with millions of goroutines
 * keep the scrape interval in seconds. {@code goloom.goroutines.spawned},
 * {@code goloom.runqueue.global} and {@code goloom.procs} read one field each.
 *
 * <p><b>Lifetime.</b> As with any Micrometer state object, the registry holds the runtime
 * weakly: the meters report the runtime's values after {@link GoRuntime#close()} and
 * {@code NaN} once it has been collected. Give each runtime bound to one registry its own name
 * (or its own tags): meters with the same name and tags are registered once, so a second
 * runtime named alike would silently show the first one's values.
 */
public final class GoloomMetrics implements MeterBinder {

    private final GoRuntime rt;
    private final Tags tags;

    /** Meters for {@code rt}, tagged {@code runtime=<rt.name()>}. */
    public GoloomMetrics(GoRuntime rt) {
        this(rt, Tags.empty());
    }

    /**
     * Meters for {@code rt}, tagged {@code runtime=<rt.name()>} and {@code extraTags} (an extra
     * tag named {@code runtime} replaces the runtime's name).
     */
    public GoloomMetrics(GoRuntime rt, Iterable<Tag> extraTags) {
        this.rt = Objects.requireNonNull(rt, "rt");
        Objects.requireNonNull(extraTags, "extraTags");
        this.tags = Tags.of("runtime", rt.name()).and(extraTags);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        // Locals, not fields: the meter functions must not capture `this`, which holds the
        // runtime strongly (see Lifetime in the class comment).
        ScrapeMemo<Map<GoroutineState, Integer>> states = new ScrapeMemo<>(GoRuntime::goroutinesByState);
        ScrapeMemo<Map<Priority, Integer>> classes = new ScrapeMemo<>(GoRuntime::goroutinesByPriority);
        ScrapeMemo<List<ProcStats>> procs = new ScrapeMemo<>(GoRuntime::procStats);
        ScrapeMemo<SchedTrace> sched = new ScrapeMemo<>(GoRuntime::schedtrace);
        ScrapeMemo<List<LatencyHistogram>> latency = new ScrapeMemo<>(new SinceLastScrape());

        for (GoroutineState s : GoroutineState.values()) {
            if (s == GoroutineState.DEAD) {
                continue;
            }
            gauge(registry, "goloom.goroutines", "Live goroutines in this state",
                    r -> states.get(r).get(s), Tags.of("state", s.name().toLowerCase(Locale.ROOT)));
        }
        for (Priority p : Priority.values()) {
            gauge(registry, "goloom.goroutines.class", "Live goroutines of this priority class",
                    r -> classes.get(r).get(p), Tags.of("priority", p.name().toLowerCase(Locale.ROOT)));
        }
        gauge(registry, "goloom.runqueue.global", "Goroutines in the global run queue",
                GoRuntime::globalQueueLength, Tags.empty());
        gauge(registry, "goloom.runqueue.global.urgent", "CRITICAL and HIGH goroutines waiting in the global run queue",
                GoRuntime::urgentQueueLength, Tags.empty());
        gauge(registry, "goloom.runqueue.global.tenants", "Goroutines of tenants other than the default one waiting in their tenants' lanes of the global run queue",
                GoRuntime::tenantQueueLength, Tags.empty());
        gauge(registry, "goloom.runqueue.global.bulk", "Goroutines in the global run queue's bulk lane (BULK ones, and the fair policy's preempted hogs)",
                GoRuntime::bulkQueueLength, Tags.empty());
        for (int p = 0; p < rt.procs(); p++) {
            int id = p;
            gauge(registry, "goloom.runqueue.length", "Goroutines in this P's local run queue, runnext not included",
                    r -> procs.get(r).get(id).runQueueLength(), Tags.of("p", Integer.toString(id)));
        }
        gauge(registry, "goloom.threads", "Carrier threads (Ms), idle ones included",
                r -> sched.get(r).threads(), Tags.empty());
        gauge(registry, "goloom.threads.idle", "Carrier threads (Ms) parked on the idle list",
                r -> sched.get(r).idleThreads(), Tags.empty());
        gauge(registry, "goloom.threads.spinning", "Carrier threads (Ms) looking for work to steal",
                r -> sched.get(r).spinningThreads(), Tags.empty());
        gauge(registry, "goloom.procs", "Ps (GOMAXPROCS)", GoRuntime::procs, Tags.empty());
        gauge(registry, "goloom.procs.idle", "Ps on the idle list",
                r -> sched.get(r).idleProcs(), Tags.empty());
        gauge(registry, "goloom.timers", "Entries in all Ps' timer heaps, stopped ones not yet swept included",
                r -> sum(procs.get(r), ProcStats::timers), Tags.empty());

        counter(registry, "goloom.goroutines.spawned", "Goroutines created (started or not)", GoRuntime::goroutinesCreated);
        counter(registry, "goloom.goroutine.runs", "Goroutine runs started (one per mount on a carrier)",
                r -> sum(procs.get(r), ProcStats::goroutinesRun));
        counter(registry, "goloom.runnext.hits", "Goroutines taken from a P's runnext slot",
                r -> sum(procs.get(r), ProcStats::runnextHits));
        counter(registry, "goloom.globalqueue.grabs", "Goroutines taken from the global run queue",
                r -> sum(procs.get(r), ProcStats::globalGrabs));
        counter(registry, "goloom.steals", "Goroutines stolen from another P's run queue",
                r -> sum(procs.get(r), ProcStats::stealsIn));
        counter(registry, "goloom.preemptions", "Goroutines that yielded at Go.checkpoint() because sysmon asked",
                r -> sum(procs.get(r), ProcStats::preemptions));
        counter(registry, "goloom.handoffs", "Ps that sysmon took from a carrier stuck past retakeAfter",
                r -> sum(procs.get(r), ProcStats::handoffs));
        counter(registry, "goloom.timers.fired", "Timers fired (Go.sleep, GoTimer, GoTicker ticks)",
                r -> sum(procs.get(r), ProcStats::timersFired));

        FunctionTimer.builder("goloom.schedule.latency", rt,
                        r -> sum(procs.get(r), ProcStats::latencySamples),
                        r -> sum(procs.get(r), ProcStats::latencyNanos), TimeUnit.NANOSECONDS)
                .description("Time from being readied to starting to run, measured on one run in 8 of each goroutine")
                .tags(tags)
                .register(registry);
        for (int p = 0; p < rt.procs(); p++) {
            int id = p;
            for (double q : QUANTILES) {
                TimeGauge.builder("goloom.schedule.latency.quantile", rt, TimeUnit.NANOSECONDS, r -> {
                            LatencyHistogram h = latency.get(r).get(id);
                            return h.count() == 0 ? Double.NaN : h.percentile(q);
                        })
                        .description("Quantile of this P's sampled schedule latency since the previous scrape")
                        .tags(tags.and("p", Integer.toString(id), "quantile", Double.toString(q).replaceAll("\\.0$", "")))
                        .register(registry);
            }
        }
        List<Tenant> tenants = rt.tenants();
        for (int i = 0; i < tenants.size(); i++) {
            bindTenant(registry, i, tenants.get(i).name());
        }
    }

    /**
     * The meters of the tenant at {@code index} in {@link GoRuntime#tenants()} (a list that only
     * grows), named {@code name}: the functions look it up by index, holding neither it nor the
     * runtime (see Lifetime).
     */
    private void bindTenant(MeterRegistry registry, int index, String name) {
        Tags tenant = Tags.of("tenant", name);
        gauge(registry, "goloom.tenant.goroutines", "Live goroutines of this tenant",
                r -> r.tenants().get(index).goroutines(), tenant);
        gauge(registry, "goloom.tenant.weight", "This tenant's weight (cpu.weight's 1-10000; the default tenant's is 100)",
                r -> r.tenants().get(index).weight(), tenant);
        seconds(registry, "goloom.tenant.runtime", "Time this tenant's goroutines ran",
                r -> r.tenants().get(index).runtime(), tenant);
        seconds(registry, "goloom.tenant.wait", "Time this tenant's goroutines waited runnable for a carrier",
                r -> r.tenants().get(index).waitTime(), tenant);
        seconds(registry, "goloom.tenant.starve", "Time this tenant had runnable goroutines and none running",
                r -> r.tenants().get(index).starveTime(), tenant);
    }

    /** The quantiles of {@code goloom.schedule.latency.quantile}; 1 is the maximum. */
    static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999, 1};

    /**
     * Each P's latency histogram since the previous reading: the difference of two snapshots
     * of {@link GoRuntime#scheduleLatency()}. Holds histograms only, never the runtime (see
     * Lifetime). Called through a {@link ScrapeMemo}, so once per scrape; synchronized for the
     * rare racing scrapes.
     */
    private static final class SinceLastScrape implements Function<GoRuntime, List<LatencyHistogram>> {
        private List<LatencyHistogram> previous;

        @Override
        public synchronized List<LatencyHistogram> apply(GoRuntime rt) {
            List<LatencyHistogram> now = rt.scheduleLatency();
            List<LatencyHistogram> delta = new ArrayList<>(now.size());
            for (int i = 0; i < now.size(); i++) {
                delta.add(previous == null ? now.get(i) : now.get(i).minus(previous.get(i)));
            }
            previous = now;
            return delta;
        }
    }

    private void gauge(MeterRegistry registry, String name, String description,
                       ToDoubleFunction<GoRuntime> value, Tags extra) {
        Gauge.builder(name, rt, value).description(description).tags(tags.and(extra)).register(registry);
    }

    private void counter(MeterRegistry registry, String name, String description, ToLongFunction<GoRuntime> value) {
        FunctionCounter.builder(name, rt, r -> value.applyAsLong(r)).description(description).tags(tags)
                .register(registry);
    }

    private void seconds(MeterRegistry registry, String name, String description,
                         Function<GoRuntime, Duration> value, Tags extra) {
        FunctionCounter.builder(name, rt, r -> value.apply(r).toNanos() / 1e9).description(description)
                .baseUnit("seconds").tags(tags.and(extra)).register(registry);
    }

    private static long sum(List<ProcStats> procs, ToLongFunction<ProcStats> counter) {
        long total = 0;
        for (ProcStats p : procs) {
            total += counter.applyAsLong(p);
        }
        return total;
    }
}
