package io.goloom;

import io.goloom.sched.Config;
import io.goloom.sched.Scheduler;
import io.goloom.sched.Snapshots;
import io.goloom.sched.TenantShare;
import io.goloom.sched.Timer;
import io.goloom.sched.VirtualThreads;
import io.goloom.trace.DebugSettings;
import io.goloom.trace.DebugTrace;
import io.goloom.trace.GoroutineDump;
import io.goloom.trace.RuntimeMBean;
import io.goloom.trace.RuntimeView;
import io.goloom.trace.SchedTracer;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;


/**
 * A goroutine runtime: Go's G-M-P scheduler driving JDK virtual threads.
 *
 * <p>Every goroutine is a real {@link Thread} ({@code isVirtual() == true}); goloom decides on
 * which carrier and when its continuation runs: {@code procs} processors (Ps) with a local run
 * queue each, a {@code runnext} slot for message-passing locality, a global queue, work
 * stealing, and carrier threads (Ms) that spin briefly and park when there is nothing to do.
 * Blocking Java code inside a goroutine ({@code Thread.sleep}, locks, queues, sockets,
 * {@code synchronized}/{@code Object.wait}) parks the goroutine and frees its carrier.
 *
 * <pre>{@code
 * try (GoRuntime rt = GoRuntime.builder().procs(4).build()) {
 *     GoHandle h = rt.go("worker-1", () -> System.out.println("hello from " + Go.current().id()));
 *     h.join();
 *     try (ExecutorService ex = Executors.newThreadPerTaskExecutor(rt.threadFactory())) {
 *         ex.submit(() -> handle(request));       // drop-in for Jetty, Spring, ...
 *     }
 * }
 * }</pre>
 *
 * <p>Requires JDK 25 or later and the JVM flag {@value VirtualThreads#REQUIRED_FLAG}; without
 * it {@link Builder#build()} throws an exception naming the flag. Several runtimes may live in
 * one JVM; each has its own Ps and Ms.
 *
 * <p><b>Closing.</b> {@link #close()} stops accepting new goroutines, waits up to the
 * configured shutdown timeout for the live ones to finish, and reports those still alive (id,
 * name, state, stack) to the diagnostics stream. It never drops one silently: a goroutine
 * still alive after close keeps working, slowly, on a single fallback carrier thread that
 * exists only while such goroutines run. Closing twice, even concurrently, is harmless.
 *
 * <p><b>Seeing the scheduler.</b> {@link #schedtrace()} is Go's {@code schedtrace} snapshot;
 * {@code GOLOOM_DEBUG=schedtrace=1000} (or {@code -Dgoloom.debug=schedtrace=1000}, or
 * {@link Builder#schedtrace(Duration, boolean)}) prints it every second to the diagnostics
 * stream, as Go's {@code GODEBUG=schedtrace=1000} does to stderr.
 */
public final class GoRuntime implements AutoCloseable {

    /**
     * The JVM system property of goloom's {@code GODEBUG} ({@code schedtrace=MS},
     * {@code scheddetail=1}, {@code trace=FILE}), read by every {@link Builder#build()}; it wins
     * over {@link #DEBUG_ENV} when set.
     */
    public static final String DEBUG_PROPERTY = DebugSettings.PROPERTY;
    /** The environment variable read when {@link #DEBUG_PROPERTY} is not set. */
    public static final String DEBUG_ENV = DebugSettings.ENV;

    private final Scheduler sched;
    /** What observers read: {@link #sched}'s snapshots. */
    private final Snapshots snapshots;
    /** Prints the schedtrace every period, or null when off. Set once by the constructor; stopped by shutdown. */
    private final SchedTracer tracer;
    /** The JMX registration ({@code io.goloom:type=GoRuntime,name=...}), made soon after build, removed at close. */
    private final RuntimeMBean mbean;
    /** The execution trace {@code trace=FILE} asked for ({@link DebugSettings}), or null; written at close. */
    private final DebugTrace debugTrace;
    /** Every tenant's facade object, the default one first; copy-on-write under {@code this}. */
    private volatile List<Tenant> tenants;

    /**
     * Builds the scheduler, then starts the tracer last: its thread reads {@link #sched}, which
     * {@code Thread.start} publishes to it.
     *
     * @param schedtrace the tracer's period, or null for none
     * @param tracePath the execution trace's file ({@link DebugTrace#claim}), or null for none
     */
    private GoRuntime(Builder b, Duration schedtrace, boolean scheddetail, Path tracePath) {
        this.sched = new Scheduler(new Config(b.name, b.procs, b.runQueueCapacity, b.maxThreads,
                b.preemptAfter, b.retakeAfter, b.idleThreadTimeout, b.shutdownTimeout,
                b.uncaughtExceptionHandler, b.diagnostics, b.retakenCarrierNice), this);
        sched.setPolicy(b.policy);
        VirtualThreads.checkAvailable();   // after the Scheduler: see Builder.initJdkAhead
        this.snapshots = sched.snapshots();
        this.tenants = List.of(new Tenant(sched, sched.tenants().getFirst()));
        sched.startIoPollers();
        RuntimeView view = new View();
        this.mbean = RuntimeMBean.registerSoon(view, b.diagnostics);
        try {
            this.debugTrace = tracePath == null ? null : DebugTrace.start(view, tracePath, b.diagnostics);
        } catch (IOException e) {
            throw new UncheckedIOException("goloom: cannot start the execution trace to " + tracePath, e);
        }
        this.tracer = schedtrace == null ? null : SchedTracer.start(view, schedtrace, scheddetail, b.diagnostics);
    }

    /** This runtime as the {@code trace} package's tools see it: the public methods below. */
    private final class View implements RuntimeView {
        @Override
        public String name() {
            return GoRuntime.this.name();
        }

        @Override
        public SchedTrace schedtrace() {
            return GoRuntime.this.schedtrace();
        }

        @Override
        public List<GoHandle> allGoroutines() {
            return GoRuntime.this.allGoroutines();
        }

        @Override
        public int goroutines() {
            return GoRuntime.this.goroutines();
        }

        @Override
        public String goroutineDump() {
            return GoRuntime.this.goroutineDump();
        }

        @Override
        public List<GoHandle> leaks(Duration threshold) {
            return GoRuntime.this.leaks(threshold);
        }

        @Override
        public void startTrace(Path path) throws IOException {
            GoRuntime.this.startTrace(path);
        }

        @Override
        public TraceSummary stopTrace() throws IOException {
            return GoRuntime.this.stopTrace();
        }
    }

    /** A builder with the defaults described on each of its setters. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a goroutine running {@code task}, of its creator's class when a goroutine of this
     * runtime calls (see {@link Priority}), else NORMAL. Called from a goroutine of this runtime,
     * a NORMAL goroutine goes to the tail of the caller's P's run queue (where an idle P can
     * steal it); from any other thread, or of another class, it goes to the global queue (its
     * class's lane).
     *
     * @throws RejectedExecutionException if the runtime is closed
     */
    public GoHandle go(Runnable task) {
        return go("", task);
    }

    /**
     * Starts a goroutine named {@code name} (its thread's name) running {@code task}.
     *
     * @throws RejectedExecutionException if the runtime is closed
     */
    public GoHandle go(String name, Runnable task) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(task, "task");
        return sched.go(name, task, null, null);
    }

    /**
     * Starts a goroutine of class {@code priority} running {@code task}; its children take that
     * class unless given another (see {@link Priority}).
     *
     * <pre>{@code
     * rt.go(Priority.CRITICAL, () -> { while (true) { renewLease(); Go.sleep(Duration.ofMillis(100)); } });
     * }</pre>
     *
     * @throws RejectedExecutionException if the runtime is closed
     */
    public GoHandle go(Priority priority, Runnable task) {
        return go(priority, "", task);
    }

    /** {@link #go(Priority, Runnable)} with the goroutine named {@code name}. */
    public GoHandle go(Priority priority, String name, Runnable task) {
        Objects.requireNonNull(priority, "priority");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(task, "task");
        return sched.go(name, task, priority, null);
    }

    /**
     * Starts a goroutine running {@code task} and returns its result to come: the value, the
     * exception it threw, or its cancellation (see {@link GoFuture}).
     *
     * <pre>{@code
     * GoFuture<String> f = rt.submit(() -> fetch(url));
     * String body = f.get(Duration.ofSeconds(2));
     * }</pre>
     *
     * @throws RejectedExecutionException if the runtime is closed
     */
    public <T> GoFuture<T> submit(Callable<T> task) {
        return submit("", task);
    }

    /** {@link #submit(Callable)} with the goroutine named {@code name}. */
    public <T> GoFuture<T> submit(String name, Callable<T> task) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(task, "task");
        FutureTask<T> future = new FutureTask<>(task);
        return new GoFuture<>(future, sched.go(name, future, null, null));
    }

    /**
     * A {@link ThreadFactory} whose threads are goroutines of this runtime (unstarted virtual
     * threads), for {@code Executors.newThreadPerTaskExecutor} and any framework that takes a
     * factory. Each takes the class of the goroutine that calls {@code newThread}, or NORMAL
     * (see {@link Priority}). Starting one of its threads after {@link #close()} throws
     * {@link RejectedExecutionException}.
     */
    public ThreadFactory threadFactory() {
        return sched.threadFactory();
    }

    /**
     * {@link #threadFactory()} for goroutines of class {@code priority} (see {@link Priority}):
     *
     * <pre>{@code
     * ExecutorService batch = Executors.newThreadPerTaskExecutor(rt.threadFactory(Priority.BULK));
     * }</pre>
     */
    public ThreadFactory threadFactory(Priority priority) {
        return sched.threadFactory(Objects.requireNonNull(priority, "priority"), null);
    }

    /**
     * Makes a tenant named {@code name} with {@code weight}, without a goroutine limit: see
     * {@link Tenant}. Tenants live as long as the runtime.
     *
     * <pre>{@code
     * Tenant search = rt.tenant("search", 300);   // 3x the CPU of a weight-100 tenant while both are busy
     * search.go(() -> handle(request));
     * }</pre>
     *
     * @param weight {@value TenantShare#MIN_WEIGHT} to {@value TenantShare#MAX_WEIGHT}, as a cgroup's
     *               {@code cpu.weight}; the default tenant's is {@value TenantShare#DEFAULT_WEIGHT}
     * @throws IllegalArgumentException if the name is blank or the weight out of range
     * @throws IllegalStateException if a tenant has that name, or the runtime has
     *         {@value TenantShare#MAX_TENANTS} tenants (the default one included)
     */
    public Tenant tenant(String name, int weight) {
        return tenant(name, weight, Integer.MAX_VALUE);
    }

    /**
     * {@link #tenant(String, int)} with at most {@code maxGoroutines} live goroutines: starting
     * one more throws {@link RejectedExecutionException} (see "Quota" in {@link Tenant}).
     *
     * @throws IllegalArgumentException also if {@code maxGoroutines} is below 1
     */
    public synchronized Tenant tenant(String name, int weight, int maxGoroutines) {
        Objects.requireNonNull(name, "name");
        Tenant t = new Tenant(sched, sched.newTenant(name, weight, maxGoroutines));
        List<Tenant> grown = new ArrayList<>(tenants);
        grown.add(t);
        tenants = List.copyOf(grown);
        return t;
    }

    /** The tenant of every goroutine not started in another: named {@code "default"}, of weight {@value TenantShare#DEFAULT_WEIGHT}. */
    public Tenant defaultTenant() {
        return tenants.getFirst();
    }

    /** Every tenant, the default one first, then in the order they were made. */
    public List<Tenant> tenants() {
        return tenants;
    }

    /** The number of Ps (Go's GOMAXPROCS). */
    public int procs() {
        return sched.procs();
    }

    /** The runtime's name, the prefix of its carrier threads' names. */
    public String name() {
        return sched.name();
    }

    /**
     * Goroutines created so far by {@link #go} and {@link #threadFactory()} (started or not), and
     * virtual threads started inside goroutines with the JDK's own APIs (adopted when they
     * start), a monotonic count for metrics.
     */
    public long goroutinesCreated() {
        return snapshots.goroutinesCreated();
    }

    /** Goroutines started and not yet finished (Go's {@code runtime.NumGoroutine}). */
    public int goroutines() {
        return snapshots.liveGoroutines();
    }

    /**
     * Live goroutines counted by state, without copying them (for metrics; the counts may mix
     * moments, as goroutines change state while they are counted).
     *
     * <pre>{@code
     * int parked = rt.goroutinesByState().get(GoroutineState.WAITING);
     * }</pre>
     */
    public Map<GoroutineState, Integer> goroutinesByState() {
        int[] counts = snapshots.goroutineStateCounts();
        Map<GoroutineState, Integer> m = new EnumMap<>(GoroutineState.class);
        for (GoroutineState s : GoroutineState.values()) {
            m.put(s, counts[s.ordinal()]);
        }
        return m;
    }

    /**
     * Live goroutines counted by class ({@link Priority}), without walking them: the counts
     * other than NORMAL's are kept as goroutines start and end, NORMAL's is the rest of
     * {@link #goroutines()} (racy: the counts may mix moments).
     *
     * <pre>{@code
     * int bulk = rt.goroutinesByPriority().get(Priority.BULK);
     * }</pre>
     */
    public Map<Priority, Integer> goroutinesByPriority() {
        int[] counts = snapshots.goroutineClassCounts(goroutines());
        Map<Priority, Integer> m = new EnumMap<>(Priority.class);
        for (Priority p : Priority.values()) {
            m.put(p, counts[p.ordinal()]);
        }
        return m;
    }

    /** Snapshots of the live goroutines, in no particular order. */
    public List<GoHandle> allGoroutines() {
        return snapshots.allGoroutines();
    }

    /**
     * Writes a goroutine dump to {@code out}: the live goroutines grouped by state and
     * identical stack, biggest group first, each with its wait reason, how long its members
     * have waited, its stack, and its members' ids, names and creators (pprof's goroutine
     * profile, {@code debug=1}; format in {@link GoroutineDump}). Also a JMX operation of the
     * runtime's MBean.
     *
     * <pre>{@code
     * rt.dumpGoroutines(System.err);
     * }</pre>
     */
    public void dumpGoroutines(Appendable out) throws IOException {
        GoroutineDump.write(name(), allGoroutines(), out);
    }

    /** {@link #dumpGoroutines} into a string. */
    public String goroutineDump() {
        return GoroutineDump.toString(name(), allGoroutines());
    }

    /**
     * Goroutines parked for at least {@code threshold}, longest first: candidates for leaks
     * (a goroutine waiting on a channel, latch or lock nobody will ever release). Their wait is
     * measured to one sysmon round (at most 10 ms).
     *
     * <pre>{@code
     * for (GoHandle g : rt.leaks(Duration.ofMinutes(5))) {
     *     log.warn("goroutine {} parked for {}", g.id(), g.waitingFor().orElseThrow());
     * }
     * }</pre>
     *
     * @throws IllegalArgumentException if {@code threshold} is negative
     */
    public List<GoHandle> leaks(Duration threshold) {
        Objects.requireNonNull(threshold, "threshold");
        if (threshold.isNegative()) {
            throw new IllegalArgumentException("leak threshold must be >= 0, was " + threshold);
        }
        record Waiting(GoHandle g, Duration waited) {
        }
        List<Waiting> waiting = new ArrayList<>();
        for (GoHandle g : allGoroutines()) {
            g.waitingFor().filter(w -> w.compareTo(threshold) >= 0).ifPresent(w -> waiting.add(new Waiting(g, w)));
        }
        waiting.sort(Comparator.comparing(Waiting::waited).reversed());   // each wait read once: it grows
        return waiting.stream().map(Waiting::g).toList();
    }

    /** Carrier threads (Ms) that exist now, idle ones included. */
    public int threads() {
        return snapshots.threads();
    }

    /** Counters of every P, read without stopping them. */
    public List<ProcStats> procStats() {
        return snapshots.procStats();
    }

    /**
     * Each P's schedule-latency histogram (ready to running, on the sampled runs of
     * {@link ProcStats#latencySamples()}), index = P id, since the runtime started: a racy
     * snapshot, as {@link #procStats()}. Subtract an older snapshot
     * ({@link LatencyHistogram#minus}) for an interval.
     *
     * <pre>{@code
     * LatencyHistogram all = LatencyHistogram.sum(rt.scheduleLatency());
     * System.out.println("p99 " + all.percentile(0.99) + " ns over " + all.count() + " samples");
     * }</pre>
     */
    public List<LatencyHistogram> scheduleLatency() {
        return snapshots.scheduleLatency();
    }

    /**
     * A snapshot of the scheduler (Go's {@code schedtrace} numbers), taken without stopping it.
     *
     * <pre>{@code
     * SchedTrace t = rt.schedtrace();
     * System.err.println(t.line());      // SCHED 1004ms: gomaxprocs=2 idleprocs=0 threads=5 ...
     * }</pre>
     */
    public SchedTrace schedtrace() {
        return snapshots.schedtrace();
    }

    /**
     * Starts an execution trace (Go's {@code runtime/trace.Start}): until {@link #stopTrace()},
     * the runtime records when each goroutine is created, runs (on which M and P), blocks, is
     * unblocked (and by whom), yields and is preempted, plus P hand-offs, steals and timer
     * fires. Each carrier records into its own buffer of at most 262,144 events (7 MB); past
     * that, events are dropped and counted. The file is created now; {@code stopTrace()}
     * writes it.
     *
     * <pre>{@code
     * rt.startTrace(Path.of("run.json"));
     * runWorkload(rt);
     * TraceSummary s = rt.stopTrace();   // open run.json in ui.perfetto.dev
     * }</pre>
     *
     * <p>A trace that the {@code goloom.debug=trace=FILE} setting started (as {@code ./goloom
     * trace} does) is written first, with what it recorded so far, and this one replaces it.
     *
     * @throws IllegalStateException if this runtime is tracing already
     * @throws IOException if {@code path} cannot be written
     */
    public void startTrace(Path path) throws IOException {
        handOverDebugTrace();
        sched.startTrace(path);
    }

    /**
     * {@link #startTrace(Path)} with at most {@code maxEventsPerThread} events buffered per
     * carrier thread (and for all other threads together), 1 to 67,108,864; each event takes
     * 24 to 40 bytes, allocated as the buffer fills.
     *
     * @throws IllegalArgumentException if {@code maxEventsPerThread} is out of range
     * @throws IllegalStateException if this runtime is tracing already
     * @throws IOException if {@code path} cannot be written
     */
    public void startTrace(Path path, int maxEventsPerThread) throws IOException {
        handOverDebugTrace();
        sched.startTrace(path, maxEventsPerThread);
    }

    /**
     * A trace that {@code goloom.debug=trace=FILE} started ({@code ./goloom trace}) gives way to
     * the program's own: it is written now, with what it recorded so far.
     */
    private void handOverDebugTrace() {
        if (debugTrace != null) {
            debugTrace.handOver();
        }
    }

    /**
     * Stops the execution trace and writes it to the path given to {@code startTrace}, as
     * Chrome Trace Event JSON that ui.perfetto.dev and chrome://tracing open: one track per P
     * and per carrier thread (M), a slice per goroutine run, instants for the other events
     * and arrows from each unblocker to the goroutine it unblocked.
     *
     * @return the path, events written and events dropped
     * @throws IllegalStateException if this runtime is not tracing
     * @throws IOException if writing fails (the trace is discarded)
     */
    public TraceSummary stopTrace() throws IOException {
        return sched.stopTrace();
    }

    /** The scheduling policy in force: the builder's ({@link Builder#policy}), or the last {@link #setPolicy}'s. */
    public SchedulingPolicy policy() {
        return sched.policy();
    }

    /**
     * Swaps the scheduling policy while the runtime runs, atomically: every scheduling decision
     * is made under the old policy or the new one, no goroutine is lost or run twice, and
     * queued goroutines take the new policy at their next schedule point (one the old policy
     * put in the fair policy's bulk lane still runs under Go's).
     *
     * <pre>{@code
     * rt.setPolicy(SchedulingPolicy.fair());   // hogs arrived: short work first
     * }</pre>
     */
    public void setPolicy(SchedulingPolicy policy) {
        sched.setPolicy(Objects.requireNonNull(policy, "policy"));
    }

    /** Goroutines in the global run queue now (both lanes: see {@link SchedulingPolicy}). */
    public int globalQueueLength() {
        return snapshots.globalQueueLength();
    }

    /** CRITICAL and HIGH goroutines waiting in the global run queue now (see {@link Priority}). */
    public int urgentQueueLength() {
        return snapshots.urgentQueueLength();
    }

    /** Goroutines of tenants other than the default one waiting in their tenants' lanes of the global run queue now (see {@link Tenant}). */
    public int tenantQueueLength() {
        return snapshots.tenantQueueLength();
    }

    /**
     * Goroutines in the global run queue's bulk lane now: {@link Priority#BULK} ones, and CPU hogs
     * preempted under {@link SchedulingPolicy#fair()}.
     */
    public int bulkQueueLength() {
        return snapshots.bulkQueueLength();
    }

    /** True once {@link #close()} has begun. */
    public boolean isClosed() {
        return sched.isClosing();
    }

    // ---- timers ----

    /**
     * A timer that fires once after {@code delay} (at once if zero or negative) into
     * {@link GoTimer#await()} (Go's {@code time.NewTimer}). It lives on the timer heap of the
     * caller's P (a random P's when the caller is not a goroutine of this runtime) and is fired
     * by the schedule loop, so no thread wakes for it. Timers still pending at close keep
     * firing after it, on a daemon timer thread that exits when none is left.
     *
     * <pre>{@code
     * GoTimer t = rt.newTimer(Duration.ofMillis(50));
     * t.await();
     * }</pre>
     */
    public GoTimer newTimer(Duration delay) {
        Timer t = Timer.signal(sched, 0);
        t.reset(nanos(delay, "delay"), 0);
        return new GoTimer(t, false);
    }

    /**
     * A timer that starts {@code f} in a new goroutine after {@code delay} (Go's
     * {@code time.AfterFunc}), unless stopped first. If it fires after the runtime closed, the
     * function is not run and the diagnostics stream says so.
     *
     * <pre>{@code
     * GoTimer watchdog = rt.afterFunc(Duration.ofSeconds(5), () -> log.warn("request is slow"));
     * handle(request);
     * watchdog.stop();
     * }</pre>
     *
     * @throws RejectedExecutionException if the runtime is closed
     */
    public GoTimer afterFunc(Duration delay, Runnable f) {
        Objects.requireNonNull(f, "f");
        long d = nanos(delay, "delay");
        if (sched.isClosing()) {
            throw new RejectedExecutionException("goloom runtime \"" + name() + "\" is closed: no afterFunc timers");
        }
        Timer t = Timer.func(sched, f);
        t.reset(d, 0);
        return new GoTimer(t, true);
    }

    /**
     * A ticker that ticks every {@code period} into {@link GoTicker#await()} (Go's
     * {@code time.NewTicker}); stop it when done, or it keeps ticking.
     *
     * <pre>{@code
     * GoTicker ticker = rt.newTicker(Duration.ofMillis(100));
     * ticker.await();
     * ticker.stop();
     * }</pre>
     *
     * @throws IllegalArgumentException if {@code period} is not positive
     */
    public GoTicker newTicker(Duration period) {
        long p = period(period);
        Timer t = Timer.signal(sched, p);
        t.reset(p, p);
        return new GoTicker(t);
    }

    /** {@code d} in nanoseconds, saturated (a delay beyond ~292 years is as good as forever). */
    static long nanos(Duration d, String what) {
        Objects.requireNonNull(d, what);
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /** A ticker period: positive, at most {@link Timer#MAX_DELAY_NANOS}. */
    static long period(Duration period) {
        long p = nanos(period, "period");
        if (p <= 0 || p > Timer.MAX_DELAY_NANOS) {
            throw new IllegalArgumentException("ticker period must be in (0, " + Duration.ofNanos(Timer.MAX_DELAY_NANOS)
                    + "], was " + period);
        }
        return p;
    }

    /**
     * Closes with the configured {@link Builder#shutdownTimeout(Duration) shutdown timeout}.
     * See {@link #shutdown(Duration)}.
     */
    @Override
    public void close() {
        shutdown(sched.shutdownTimeout());
    }

    /**
     * Stops accepting new goroutines, waits up to {@code timeout} for the live ones to finish,
     * then stops the carriers. Goroutines still alive are reported to the diagnostics stream
     * and returned; any of them that later becomes runnable runs on a fallback carrier thread
     * instead of being lost. A second call waits (up to {@code timeout} plus a second) for the
     * first to finish and returns what the first returned.
     *
     * @return the goroutines still alive when the wait ended
     */
    public List<GoHandle> shutdown(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be >= 0, was " + timeout);
        }
        try {
            return sched.shutdown(timeout);
        } finally {
            // The trace runs through the shutdown (it shows what close waits for) and stops
            // with it; not when shutdown refused to start (called from one of our goroutines).
            if (debugTrace != null && sched.isClosing()) {
                debugTrace.close();
            }
            if (tracer != null && sched.isClosing()) {
                tracer.close();
            }
            if (sched.isClosing()) {
                mbean.unregister();
            }
        }
    }

    @Override
    public String toString() {
        return "GoRuntime[" + sched.name() + ", procs=" + procs() + ", goroutines=" + goroutines()
                + ", threads=" + threads() + (isClosed() ? ", closed" : "") + "]";
    }

    /**
     * Configuration of a {@link GoRuntime}. Every setter validates its argument and throws
     * {@link IllegalArgumentException} naming the bad value and the accepted range.
     *
     * <pre>{@code
     * GoRuntime rt = GoRuntime.builder()
     *         .name("rpc")                 // carriers are named rpc-m-0, rpc-m-1, ...
     *         .procs(4)
     *         .runQueueCapacity(256)
     *         .shutdownTimeout(Duration.ofSeconds(5))
     *         .build();
     * }</pre>
     */
    public static final class Builder {
        /** Upper bound of {@link #procs(int)}: Go allows 1024 Ps before warning; we allow more. */
        public static final int MAX_PROCS = Config.MAX_PROCS;
        /** Bounds of {@link #runQueueCapacity(int)}. */
        public static final int MIN_RUN_QUEUE_CAPACITY = Config.MIN_RUN_QUEUE_CAPACITY,
                MAX_RUN_QUEUE_CAPACITY = Config.MAX_RUN_QUEUE_CAPACITY;
        /** Upper bound of {@link #maxThreads(int)}. */
        public static final int MAX_THREADS_LIMIT = Config.MAX_THREADS_LIMIT;
        /** Lower bound of {@link #preemptAfter(Duration)}: below it sysmon's rounds (10 ms when idle) dominate. */
        public static final Duration MIN_PREEMPT_AFTER = Duration.ofNanos(100_000);

        private String name = "goloom";
        private int procs = Runtime.getRuntime().availableProcessors();
        private int runQueueCapacity = 256;
        private int maxThreads = 10_000;
        private Duration preemptAfter = Duration.ofMillis(10);
        private Duration retakeAfter = Duration.ofMillis(20);
        private Duration idleThreadTimeout = Duration.ofSeconds(60);
        private Duration shutdownTimeout = Duration.ofSeconds(10);
        private Thread.UncaughtExceptionHandler uncaughtExceptionHandler;
        private PrintStream diagnostics = System.err;
        private Duration schedtrace;
        private boolean scheddetail;
        private SchedulingPolicy policy = SchedulingPolicy.go();
        private int retakenCarrierNice;

        private Builder() {
        }

        /**
         * The runtime's name: its carrier threads are named {@code <name>-m-<n>}. Default
         * {@code "goloom"}. Must be 1 to 64 characters.
         */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isEmpty() || name.length() > 64) {
                throw new IllegalArgumentException(
                        "name must be 1 to 64 characters long, was \"" + name + "\" (" + name.length() + ")");
            }
            this.name = name;
            return this;
        }

        /**
         * The number of Ps (Go's GOMAXPROCS): how many goroutines run at once. Default: the
         * number of available processors. Accepted: 1 to {@value #MAX_PROCS}.
         */
        public Builder procs(int procs) {
            if (procs < 1 || procs > MAX_PROCS) {
                throw new IllegalArgumentException(
                        "procs must be in [1, " + MAX_PROCS + "], was " + procs);
            }
            this.procs = procs;
            return this;
        }

        /**
         * Slots in each P's local run queue; when full, half of it moves to the global queue in
         * one batch. Default 256 (Go's fixed size). Accepted: a power of two in
         * [{@value #MIN_RUN_QUEUE_CAPACITY}, {@value #MAX_RUN_QUEUE_CAPACITY}].
         */
        public Builder runQueueCapacity(int capacity) {
            if (capacity < MIN_RUN_QUEUE_CAPACITY || capacity > MAX_RUN_QUEUE_CAPACITY
                    || Integer.bitCount(capacity) != 1) {
                throw new IllegalArgumentException("runQueueCapacity must be a power of two in ["
                        + MIN_RUN_QUEUE_CAPACITY + ", " + MAX_RUN_QUEUE_CAPACITY + "], was " + capacity);
            }
            this.runQueueCapacity = capacity;
            return this;
        }

        /**
         * The most carrier threads (Ms) the runtime may create (Go's {@code SetMaxThreads},
         * default 10,000). Accepted: {@code procs} to {@value #MAX_THREADS_LIMIT}; checked
         * against {@code procs} in {@link #build()}.
         *
         * <p>Reaching it is back-pressure, not an error: runnable goroutines wait in the run
         * queues until a running M looks for work (the next M to run out of work spins instead
         * of parking, so none waits without an M coming). Unlike Go, which aborts the process
         * when it needs more threads than this, goloom never fails a goroutine for it. Today
         * goloom needs about {@code procs} Ms; the limit matters once Ms are handed off around
         * blocked carriers.
         */
        public Builder maxThreads(int maxThreads) {
            if (maxThreads < 1 || maxThreads > MAX_THREADS_LIMIT) {
                throw new IllegalArgumentException(
                        "maxThreads must be in [1, " + MAX_THREADS_LIMIT + "], was " + maxThreads);
            }
            this.maxThreads = maxThreads;
            return this;
        }

        /**
         * The Linux nice value (1 to 19; 0, the default, turns it off) of a carrier thread
         * whose P sysmon retook ({@link #retakeAfter}) while it runs on, so that a CPU hog
         * without {@code Go.checkpoint()} calls, which keeps its OS thread, gets the CPU only
         * when the carriers that hold Ps leave it some. The carrier restores its nice value as
         * the goroutine's run ends. Needs Linux, {@code --enable-native-access=ALL-UNNAMED} (or
         * {@code =io.goloom} on the module path) and the right to lower a nice value again
         * ({@code CAP_SYS_NICE}, or {@code ulimit -e} of at least 20); without them the
         * runtime says why on its diagnostics stream as it is built, and does not demote.
         *
         * <pre>{@code
         * GoRuntime rt = GoRuntime.builder().retakenCarrierNice(19).build();
         * }</pre>
         *
         * <p>A goroutine retaken while blocked (pinned in a class initializer, say) computes at
         * that nice value after it wakes, until its run ends. Measured in docs/PERFORMANCE.md
         * ("Issue 15").
         */
        public Builder retakenCarrierNice(int nice) {
            if (nice < 0 || nice > Config.MAX_NICE) {
                throw new IllegalArgumentException("retakenCarrierNice must be in [0, " + Config.MAX_NICE
                        + "] (0: off), was " + nice);
            }
            this.retakenCarrierNice = nice;
            return this;
        }

        /**
         * The scheduling policy: {@link SchedulingPolicy#go()} (the default) or
         * {@link SchedulingPolicy#fair()}; {@link GoRuntime#setPolicy} swaps it later.
         */
        public Builder policy(SchedulingPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * How long a goroutine may run before sysmon asks it to yield (Go's 10 ms time slice,
         * {@code forcePreemptNS}). The request is honoured at the goroutine's next
         * {@link Go#checkpoint()} or {@link Go#yield()}; a goroutine that calls neither keeps
         * running. Goroutines woken from {@code runnext} share the slice of the one that woke
         * them, as in Go. Default 10 ms. Accepted: 100 us to 1 hour.
         */
        public Builder preemptAfter(Duration slice) {
            this.preemptAfter = inRange("preemptAfter", slice, MIN_PREEMPT_AFTER, Duration.ofHours(1),
                    "[" + MIN_PREEMPT_AFTER + ", 1h]");
            return this;
        }

        /**
         * How long one goroutine may keep its carrier before sysmon hands that carrier's P to
         * another carrier (Go's syscall retake), so that the other goroutines queued on the P
         * keep running. A goroutine keeps its carrier while it computes without blocking, or
         * while it blocks pinned (a park inside native code or a class initializer, file I/O
         * on some platforms); goloom cannot tell the two apart, so it hands off after this
         * long in both cases, and only when there is queued work the P could run. The stuck
         * carrier gets an idle P when its goroutine comes back, or parks as an idle carrier.
         * Default 20 ms. Accepted: 1 ms to 1 hour.
         */
        public Builder retakeAfter(Duration after) {
            this.retakeAfter = inRange("retakeAfter", after, Duration.ofMillis(1), Duration.ofHours(1), "[1ms, 1h]");
            return this;
        }

        /**
         * How long an idle carrier thread beyond {@code procs} (left over from hand-offs)
         * waits for work before it exits, so a burst of blocked carriers does not leave
         * threads behind. Default 60 s. Accepted: 1 ms to 24 hours.
         */
        public Builder idleThreadTimeout(Duration timeout) {
            this.idleThreadTimeout = inRange("idleThreadTimeout", timeout, Duration.ofMillis(1), Duration.ofHours(24),
                    "[1ms, 24h]");
            return this;
        }

        /**
         * How long {@link GoRuntime#close()} waits for live goroutines before reporting them.
         * Default 10 s. Accepted: 0 to 1 hour.
         */
        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = inRange("shutdownTimeout", timeout, Duration.ZERO, Duration.ofHours(1), "[0s, 1h]");
            return this;
        }

        /**
         * Receives exceptions that escape a goroutine's task. The default prints the goroutine
         * id, name and stack trace to the diagnostics stream. An exception never kills a
         * carrier thread.
         */
        public Builder uncaughtExceptionHandler(Thread.UncaughtExceptionHandler handler) {
            this.uncaughtExceptionHandler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * Where the runtime writes what it must not keep to itself: uncaught exceptions (with
         * the default handler), the goroutines still alive at close, and the schedtrace when
         * on. Default {@code System.err}.
         */
        public Builder diagnostics(PrintStream out) {
            this.diagnostics = Objects.requireNonNull(out, "out");
            return this;
        }

        /**
         * Prints Go's schedtrace line ({@link SchedTrace#line()}), or with {@code detail} Go's
         * scheddetail text ({@link SchedTrace#detail}), to the diagnostics stream every
         * {@code period}, from a daemon thread {@code <name>-schedtrace} that close() stops.
         * Off by default. The setting {@code GOLOOM_DEBUG} / {@code -Dgoloom.debug}
         * ({@link DebugSettings}) overrides each of the two values it names, as Go's
         * {@code GODEBUG} overrides a program's {@code //go:debug} lines. Accepted period:
         * 1 ms to 1 hour.
         *
         * <pre>{@code
         * GoRuntime.builder().schedtrace(Duration.ofSeconds(1), false).build();
         * // SCHED 1000ms: gomaxprocs=4 idleprocs=3 threads=2 spinningthreads=0 needspinning=0 idlethreads=1 runqueue=0 [0 0 0 0]
         * }</pre>
         */
        public Builder schedtrace(Duration period, boolean detail) {
            this.schedtrace = inRange("schedtrace period", period, Duration.ofMillis(DebugSettings.MIN_SCHEDTRACE_MILLIS),
                    Duration.ofMillis(DebugSettings.MAX_SCHEDTRACE_MILLIS), "[1ms, 1h]");
            this.scheddetail = detail;
            return this;
        }

        /**
         * {@code value} if it lies in [{@code min}, {@code max}]; otherwise an error naming the
         * option, the accepted range as {@code range} spells it, and the value.
         */
        private static Duration inRange(String option, Duration value, Duration min, Duration max, String range) {
            Objects.requireNonNull(value, option);
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(option + " must be in " + range + ", was " + value);
            }
            return value;
        }

        /**
         * Builds and starts the runtime. Carrier threads are created on demand. Reads
         * {@code GOLOOM_DEBUG} / {@code -Dgoloom.debug} ({@link DebugSettings}) now: unknown
         * keys there are ignored with one warning line on the diagnostics stream; a bad value
         * fails the build, since it is an explicit request that would otherwise be lost.
         *
         * @throws IllegalArgumentException if {@code maxThreads < procs}, or the debug setting
         *         has a bad value (the message names the variable, the value and the range)
         * @throws IllegalStateException if the JDK is older than 25 or the JVM runs without
         *         {@value VirtualThreads#REQUIRED_FLAG} (the message names the flag)
         */
        public GoRuntime build() {
            if (maxThreads < procs) {
                throw new IllegalArgumentException("maxThreads must be >= procs (" + procs
                        + ") so every P can have a carrier, was " + maxThreads);
            }
            initJdkAhead();
            DebugSettings debug = DebugSettings.fromSystem();
            if (debug.warning().isPresent()) {   // no lambdas: "Start-up" in the sched package-info
                diagnostics.println(debug.warning().get());
            }
            Duration period = debug.schedtrace().orElse(schedtrace);
            boolean detail = debug.scheddetail().orElse(scheddetail);
            if (period == null && detail) {
                diagnostics.println("goloom: scheddetail=1 prints nothing without schedtrace=<ms> (as in Go)");
            }
            Path tracePath = debug.trace().isPresent() ? DebugTrace.claim(debug.trace().get(), name, debug) : null;
            return new GoRuntime(this, period, detail, tracePath);
        }

        /**
         * Set once the JDK's virtual-thread internals are initialising or initialised. A race
         * between two first builds starts two threads: harmless, a class initialises once.
         */
        private static volatile boolean jdkInitStarted;

        /**
         * The first build in a JVM initialises the JDK side on another thread (the JDK's
         * {@code VirtualThread} class, goloom's method handles into it: 35-45 ms in a fresh JVM),
         * while this one loads the scheduler's classes (25-30 ms); the constructor's
         * {@link VirtualThreads#checkAvailable()} waits for it. Measured by the {@code startup}
         * row (docs/PERFORMANCE.md).
         */
        private static void initJdkAhead() {
            if (!jdkInitStarted) {
                jdkInitStarted = true;
                Thread init = new Thread(new InitJdk(), "goloom-init");
                init.setDaemon(true);
                init.start();
            }
        }

        /** Initialises {@link VirtualThreads#JDK}: what {@code initJdkAhead} runs. */
        private static final class InitJdk implements Runnable {
            @Override
            public void run() {
                try {
                    VirtualThreads.checkAvailable();
                } catch (IllegalStateException e) {
                    // Reported where it matters: the constructor's check throws it to the caller.
                }
            }
        }
    }
}
