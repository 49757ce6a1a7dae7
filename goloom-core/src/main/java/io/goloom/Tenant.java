package io.goloom;

import io.goloom.sched.Scheduler;
import io.goloom.sched.TenantShare;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;

/**
 * A tenant of a runtime: a group of goroutines that shares the CPU with the other tenants in
 * proportion to its weight, as a cgroup's {@code cpu.weight} or a Seastar scheduling group.
 * Made by {@link GoRuntime#tenant(String, int)}; a goroutine started in a tenant stays in it,
 * and the goroutines it starts (and the threads it starts with {@code Thread.ofVirtual()}) join
 * it unless started in another. Every other goroutine is in the runtime's
 * {@link GoRuntime#defaultTenant() default tenant}, of weight {@value TenantShare#DEFAULT_WEIGHT}.
 *
 * <pre>{@code
 * Tenant search = rt.tenant("search", 300);
 * Tenant ingest = rt.tenant("ingest", 100, 10_000);   // at most 10,000 live goroutines
 * ExecutorService requests = Executors.newThreadPerTaskExecutor(search.threadFactory());
 * ingest.go(() -> reindex(batch));
 * // while both are busy, search's goroutines get 3/4 of the CPU the default tenant leaves
 * }</pre>
 *
 * <h2>What a tenant gets</h2>
 * While tenants have runnable goroutines, the next NORMAL goroutine comes from the one whose
 * CPU time divided by its weight is smallest, so their CPU times follow their weights: the
 * {@code tenants} bench row holds three tenants of weights 1:2:3, with 1, 10 and 100 goroutines,
 * within 2% of their shares after 1 s (docs/PERFORMANCE.md). A tenant with nothing to run
 * leaves its share to the others, and does not bank it: when it has work again it starts at
 * most 2 ms of CPU ahead of them. Priority classes come first: a CRITICAL or HIGH goroutine
 * runs ahead of every tenant's NORMAL ones, a BULK one after them, and their CPU still counts
 * in their tenant's share.
 *
 * <h2>Quota</h2>
 * A tenant made with {@code maxGoroutines} starts no more than that many live goroutines:
 * starting one more throws {@link RejectedExecutionException} naming the tenant and its limit
 * (from {@link #go}, and from {@code Thread.start()} of its factory's threads, so an
 * {@code ExecutorService} built on {@link #threadFactory()} rejects the task). Nothing is dropped.
 *
 * <h2>What it costs</h2>
 * A tenant's NORMAL goroutines wait in its lane of the global queue, not in a P's local
 * queue: readying one takes the scheduler's lock, and picking one scans the tenants that have
 * runnable goroutines. Once a runtime has a tenant, each run is timed (two clock reads) and
 * charged to its tenant, the default tenant's runs included.
 *
 * <h2>What it reports</h2>
 * {@link #runtime()}, {@link #waitTime()} and {@link #starveTime()} (seastar#3396's three), and
 * {@link #goroutines()}, also as goloom-metrics meters; dumps and {@code scheddetail} name each
 * goroutine's tenant ({@link GoHandle#tenant()}).
 */
public final class Tenant {

    private final Scheduler sched;
    private final TenantShare share;

    Tenant(Scheduler sched, TenantShare share) {
        this.sched = sched;
        this.share = share;
    }

    /** Its name, unique in its runtime; {@code "default"} for the default tenant. */
    public String name() {
        return share.name();
    }

    /** Its weight, {@value TenantShare#MIN_WEIGHT} to {@value TenantShare#MAX_WEIGHT}. */
    public int weight() {
        return share.weight();
    }

    /** The most live goroutines it may have; {@code Integer.MAX_VALUE} when it has no limit. */
    public int maxGoroutines() {
        return share.maxGoroutines();
    }

    /**
     * Starts a goroutine in this tenant, of its creator's class when a goroutine of the same
     * runtime calls, else NORMAL.
     *
     * @throws RejectedExecutionException if the runtime is closed, or the tenant is at its limit
     */
    public GoHandle go(Runnable task) {
        return go("", task);
    }

    /** {@link #go(Runnable)} with the goroutine named {@code name}. */
    public GoHandle go(String name, Runnable task) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(task, "task");
        return sched.go(name, task, null, share);
    }

    /** {@link #go(Runnable)} for a goroutine of class {@code priority}. */
    public GoHandle go(Priority priority, Runnable task) {
        Objects.requireNonNull(priority, "priority");
        Objects.requireNonNull(task, "task");
        return sched.go("", task, priority, share);
    }

    /**
     * A {@link ThreadFactory} of goroutines in this tenant (of their creator's class), for
     * {@code Executors.newThreadPerTaskExecutor} and frameworks that take a factory.
     */
    public ThreadFactory threadFactory() {
        return sched.threadFactory(null, share);
    }

    /** {@link #threadFactory()} for goroutines of class {@code priority}. */
    public ThreadFactory threadFactory(Priority priority) {
        return sched.threadFactory(Objects.requireNonNull(priority, "priority"), share);
    }

    /** Its live goroutines now (racy: the count of a busy tenant moves). */
    public int goroutines() {
        return sched.goroutinesOf(share);
    }

    /** How long its goroutines have run, in all (counted as each run ends). */
    public Duration runtime() {
        return Duration.ofNanos(share.runtimeNanos());
    }

    /**
     * How long its goroutines have waited runnable for a carrier, in all: exact for a tenant's
     * own goroutines; for the default tenant's, estimated from the one run in eight whose wait
     * the scheduler samples anyway. Counted from when the runtime got its first tenant.
     */
    public Duration waitTime() {
        return Duration.ofNanos(share.waitNanos());
    }

    /**
     * How long it has starved, in all: it had runnable goroutines and none of them was running.
     * Always zero for the default tenant, whose goroutines wait in per-P queues.
     */
    public Duration starveTime() {
        return Duration.ofNanos(sched.starveNanos(share));
    }

    @Override
    public String toString() {
        return "Tenant[" + name() + ", weight " + weight() + "]";
    }
}
