package io.goloom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import static io.goloom.TestSupport.assertEachExactlyOnce;
import static io.goloom.TestSupport.await;
import static io.goloom.TestSupport.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Bounded resources: nothing of a runtime outlives its close() (threads, goroutine records, the
 * runtime itself), and overflowing a run queue costs no memory beyond the goroutines.
 */
class ResourceLeakTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Full collections to try before declaring an object leaked; each is followed by a bounded wait for the queue. */
    private static final int GC_ATTEMPTS = 30;

    /**
     * After close() of a runtime that ran 100,000 goroutines, none of its threads is alive, and
     * its goroutines' records and the runtime itself are collectable.
     */
    @Test
    @Timeout(120)
    void closedRuntimeLeavesNoThreadAndIsCollectable() throws Exception {
        String name = uniqueName("leak");
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        List<WeakReference<Object>> refs = runAndClose(name, 100_000, queue);
        assertNoThreadNamed(name);
        awaitCollected(refs, queue, "goroutine records and the runtime of " + name);
    }

    /** Runs {@code n} goroutines on a new runtime, closes it, and returns weak references to a sample of them and to it. */
    private static List<WeakReference<Object>> runAndClose(String name, int n, ReferenceQueue<Object> queue)
            throws InterruptedException {
        List<WeakReference<Object>> refs = new ArrayList<>();
        AtomicIntegerArray ran = new AtomicIntegerArray(n);
        CountDownLatch done = new CountDownLatch(n);
        try (GoRuntime rt = GoRuntime.builder().name(name).procs(2).build()) {
            refs.add(new WeakReference<>(rt, queue));
            for (int i = 0; i < n; i++) {
                int id = i;
                GoHandle h = rt.go(() -> {
                    ran.incrementAndGet(id);
                    if (id % 2 == 0) {
                        Thread.yield();   // a second run: through a queue, not only the first start
                    }
                    done.countDown();
                });
                if (i % 1_000 == 0) {
                    refs.add(new WeakReference<>(h, queue));
                }
            }
            await(done, WAIT, "the goroutines");
        }
        assertEachExactlyOnce(ran, "goroutines");
        return refs;
    }

    /**
     * Creating and closing 1,000 runtimes, each running goroutines on every P, leaves no thread
     * behind, every runtime collectable, and the heap where it was.
     */
    @Test
    @Timeout(180)
    void thousandRuntimesLeakNeitherThreadsNorMemory() throws Exception {
        String prefix = uniqueName("many") + "-";
        long heapBefore = heapAfterGc();
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        List<WeakReference<Object>> refs = new ArrayList<>();
        LongAdder ran = new LongAdder();
        for (int i = 0; i < 1_000; i++) {
            refs.add(runtimeThatRan(prefix + i, ran, queue));
        }
        assertEquals(1_000 * 10, ran.sum());
        assertNoThreadNamed(prefix);
        awaitCollected(refs, queue, "1,000 closed runtimes");
        long grown = heapAfterGc() - heapBefore;
        assertTrue(grown < 16L << 20, () -> "heap grew by " + (grown >> 10) + " KiB over 1,000 runtimes");
    }

    private static WeakReference<Object> runtimeThatRan(String name, LongAdder ran, ReferenceQueue<Object> queue)
            throws InterruptedException {
        CountDownLatch done = new CountDownLatch(10);
        try (GoRuntime rt = GoRuntime.builder().name(name).procs(2).build()) {
            for (int j = 0; j < 10; j++) {
                rt.go(() -> {
                    ran.increment();
                    done.countDown();
                });
            }
            await(done, WAIT, "the goroutines of " + name);
            return new WeakReference<>(rt, queue);
        }
    }

    /**
     * A million goroutines made ready on one P, far beyond its run queue: every one runs exactly
     * once, and a queue of 2 (overflowing on every other put) allocates no more per goroutine
     * than one of 65,536, so an overflow costs no garbage (the global queue is intrusive and the
     * overflow batch is reused).
     */
    @Test
    @Timeout(180)
    void runQueueOverflowOfAMillionReadyGoroutinesAllocatesNothingPerOverflow() throws Exception {
        int n = 1_000_000;
        // Warm-up at full size: a first million still pays ~15 B per goroutine of JIT warm-up
        // garbage; after it, the two agree to a fraction of a byte.
        overflow(2, n);
        overflow(65_536, n);
        double tiny = overflow(2, n);
        double large = overflow(65_536, n);
        // A virtual thread alone is ~200 B: a smaller reading means the measurement failed.
        assertTrue(tiny > 200 && large > 200, () -> String.format(
                "implausible allocation per goroutine: %.1f B and %.1f B", tiny, large));
        assertTrue(tiny <= large + 4, () -> String.format(
                "per goroutine: %.1f B allocated with a queue of 2, %.1f B with 65,536", tiny, large));
    }

    /** Runs {@code n} goroutines made ready at once on one P with a queue of {@code capacity}; returns bytes allocated per goroutine. */
    private static double overflow(int capacity, int n) throws InterruptedException {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        AtomicIntegerArray ran = new AtomicIntegerArray(n);
        CountDownLatch done = new CountDownLatch(n);
        AtomicLong readyAtOnce = new AtomicLong();
        long before, allocated;
        // retakeAfter an hour: the spawner keeps the one P for the whole second it spends
        // spawning, instead of sysmon handing the P (and its full queue) to another carrier.
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("overflow")).procs(1)
                .runQueueCapacity(capacity).retakeAfter(Duration.ofHours(1)).build()) {
            CountDownLatch spawned = new CountDownLatch(1);
            before = threads.getTotalThreadAllocatedBytes();
            rt.go(() -> {
                // Holds the only P until all are queued: none of them can run before it ends.
                for (int i = 0; i < n; i++) {
                    int id = i;
                    rt.go(() -> {
                        ran.incrementAndGet(id);
                        done.countDown();
                    });
                }
                readyAtOnce.set(done.getCount());
                spawned.countDown();
            });
            await(spawned, WAIT, "the spawner");
            await(done, WAIT, n + " goroutines on a queue of " + capacity);
            // Read before close(): while carriers exit, the JVM moves their counts into its
            // total of exited threads, and a read then can miss them.
            allocated = threads.getTotalThreadAllocatedBytes() - before;
        }
        assertEquals(n, readyAtOnce.get(), "goroutines not yet run when the spawner finished");
        assertEachExactlyOnce(ran, "goroutines on a queue of " + capacity);
        return allocated / (double) n;
    }

    private static void assertNoThreadNamed(String prefix) {
        List<String> alive = Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith(prefix))
                .toList();
        assertTrue(alive.isEmpty(), () -> "threads still alive after close: " + alive);
    }

    /** Collects until every one of {@code refs} is cleared, or fails after {@link #GC_ATTEMPTS} collections. */
    private static void awaitCollected(List<WeakReference<Object>> refs, ReferenceQueue<Object> queue, String what)
            throws InterruptedException {
        for (int attempt = 0; attempt < GC_ATTEMPTS; attempt++) {
            System.gc();
            while (queue.remove(100) != null) {
                // drained; the check below counts what is still reachable
            }
            if (refs.stream().allMatch(r -> r.refersTo(null))) {
                return;
            }
        }
        long left = refs.stream().filter(r -> !r.refersTo(null)).count();
        fail(left + " of " + refs.size() + " " + what + " still reachable after " + GC_ATTEMPTS + " collections");
    }

    private static long heapAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
