package io.goloom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.goloom.TestSupport.await;
import static io.goloom.TestSupport.awaitCondition;
import static io.goloom.TestSupport.carrierName;
import static io.goloom.TestSupport.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Virtual threads started with the JDK's own APIs inside a goroutine inherit goloom as their
 * scheduler: they are goroutines of the same runtime, park and resume on goloom, even after the
 * goroutine that started them has ended.
 */
class InheritedSchedulerTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** What a virtual thread saw of its scheduler at one moment. */
    private record Seen(String when, boolean virtual, boolean inGoroutine, GoRuntime runtime, long id, String carrier) {
        static Seen now(String when) {
            boolean in = Go.inGoroutine();
            return new Seen(when, Thread.currentThread().isVirtual(), in, in ? Go.runtime() : null,
                    in ? Go.current().id() : -1, carrierName());
        }

        void assertOnGoloom(GoRuntime rt) {
            assertTrue(virtual, when + ": not a virtual thread");
            assertTrue(inGoroutine, when + ": Go.inGoroutine() is false: not run by goloom (carrier " + carrier + ")");
            assertTrue(runtime == rt, when + ": Go.runtime() is " + runtime + ", expected " + rt);
            assertTrue(carrier.startsWith(rt.name() + "-m-"), when + ": carrier " + carrier + " is not an M of " + rt.name());
        }
    }

    /**
     * Thread.ofVirtual().start() inside a goroutine: the child (and its own child) are goroutines
     * of the same runtime, counted by goroutines(), and park/resume on goloom while the parent waits.
     */
    @Test
    @Timeout(60)
    void threadOfVirtualInsideGoroutineRunsOnGoloom() throws Exception {
        ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
        CountDownLatch started = new CountDownLatch(2), release = new CountDownLatch(1);
        AtomicReference<Long> parentId = new AtomicReference<>();
        AtomicReference<Throwable> error = new AtomicReference<>();
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("inherit")).procs(2).build()) {
            GoHandle parent = rt.go("parent", () -> {
                parentId.set(Go.current().id());
                try {
                    Thread child = Thread.ofVirtual().name("child").start(() -> {
                        try {
                            seen.add(Seen.now("child before park"));
                            Thread grandchild = Thread.ofVirtual().name("grandchild").start(() -> {
                                try {
                                    seen.add(Seen.now("grandchild before park"));
                                    started.countDown();
                                    release.await();
                                    seen.add(Seen.now("grandchild after park"));
                                } catch (Throwable t) {
                                    error.compareAndSet(null, t);
                                }
                            });
                            started.countDown();
                            release.await();
                            seen.add(Seen.now("child after park"));
                            grandchild.join();
                        } catch (Throwable t) {
                            error.compareAndSet(null, t);
                        }
                    });
                    child.join();
                } catch (Throwable t) {
                    error.compareAndSet(null, t);
                }
            });
            await(started, WAIT, "child and grandchild to start");
            assertEquals(3, rt.goroutines(), "parent, child and grandchild should be live goroutines");
            release.countDown();
            assertTrue(parent.join(WAIT), "parent did not finish");
            assertTrue(error.get() == null, () -> "failed: " + error.get());
            awaitCondition(() -> rt.goroutines() == 0, WAIT, () -> "goroutines() to drop to 0, is " + rt.goroutines());
            assertEquals(4, seen.size(), seen::toString);
            for (Seen s : seen) {
                s.assertOnGoloom(rt);
                assertNotEquals(parentId.get(), s.id(), s.when() + " has the parent's goroutine id");
            }
        }
    }

    /**
     * The parent starts a child that parks, and ends; the test then releases the child, which
     * resumes on goloom (its wake-up goes through the dead parent's G as its scheduler).
     */
    @Test
    @Timeout(60)
    void inheritedThreadOutlivesItsParent() throws Exception {
        ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
        CountDownLatch started = new CountDownLatch(1), release = new CountDownLatch(1);
        CompletableFuture<Thread> childRef = new CompletableFuture<>();
        AtomicReference<Throwable> error = new AtomicReference<>();
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("orphan")).procs(2).build()) {
            GoHandle parent = rt.go("parent", () -> childRef.complete(Thread.ofVirtual().name("orphan").start(() -> {
                try {
                    seen.add(Seen.now("before park"));
                    started.countDown();
                    release.await();
                    seen.add(Seen.now("after park"));
                } catch (Throwable t) {
                    error.compareAndSet(null, t);
                }
            })));
            Thread child = childRef.get(30, TimeUnit.SECONDS);
            assertTrue(parent.join(WAIT), "parent did not finish");
            await(started, WAIT, "the child to start");
            awaitCondition(() -> rt.goroutines() == 1, WAIT,
                    () -> "goroutines() == 1 (only the orphan) after the parent ended, is " + rt.goroutines());
            assertTrue(child.isAlive());
            assertTrue(rt.allGoroutines().stream().anyMatch(h -> h.thread() == child),
                    "allGoroutines() does not list the orphan: " + rt.allGoroutines());

            release.countDown();
            assertTrue(child.join(WAIT), "the orphan did not complete after release");
            assertTrue(error.get() == null, () -> "failed: " + error.get());
            awaitCondition(() -> rt.goroutines() == 0, WAIT, () -> "goroutines() to drop to 0, is " + rt.goroutines());
            assertEquals(2, seen.size(), seen::toString);
            for (Seen s : seen) {
                s.assertOnGoloom(rt);
            }
        }
    }

    /**
     * Executors.newVirtualThreadPerTaskExecutor() created and used inside a goroutine: its tasks
     * are goroutines of the same runtime, and they resume on goloom after the parent has ended.
     */
    @Test
    @Timeout(60)
    void virtualThreadPerTaskExecutorInsideGoroutineRunsOnGoloom() throws Exception {
        int tasks = 10;
        ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
        CountDownLatch started = new CountDownLatch(tasks), release = new CountDownLatch(1);
        CompletableFuture<ExecutorService> executorRef = new CompletableFuture<>();
        AtomicReference<Throwable> error = new AtomicReference<>();
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("vtpte")).procs(2).build()) {
            GoHandle parent = rt.go("parent", () -> {
                ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor();
                for (int i = 0; i < tasks; i++) {
                    int id = i;
                    ex.submit(() -> {
                        try {
                            seen.add(Seen.now("task " + id + " before park"));
                            started.countDown();
                            release.await();
                            seen.add(Seen.now("task " + id + " after park"));
                        } catch (Throwable t) {
                            error.compareAndSet(null, t);
                        }
                        return null;
                    });
                }
                executorRef.complete(ex);
            });
            ExecutorService ex = executorRef.get(30, TimeUnit.SECONDS);
            assertTrue(parent.join(WAIT), "parent did not finish");
            await(started, WAIT, "the executor's tasks to start");
            awaitCondition(() -> rt.goroutines() == tasks, WAIT,
                    () -> "goroutines() == " + tasks + " after the parent ended, is " + rt.goroutines());
            release.countDown();
            ex.close();   // waits for the tasks
            assertTrue(ex.awaitTermination(30, TimeUnit.SECONDS));
            assertTrue(error.get() == null, () -> "failed: " + error.get());
            awaitCondition(() -> rt.goroutines() == 0, WAIT, () -> "goroutines() to drop to 0, is " + rt.goroutines());
            List<Seen> all = new ArrayList<>(seen);
            assertEquals(2 * tasks, all.size(), all::toString);
            for (Seen s : all) {
                s.assertOnGoloom(rt);
            }
        }
    }

    /**
     * An adopted thread is adopted once: each of many inherited threads parks and resumes 20
     * times while a platform thread takes their stack traces (which makes the JDK submit a
     * starting or runnable thread a second time), and keeps one goroutine id throughout. Then
     * every goroutine is gone: a second adoption of the same thread would be a goroutine that
     * never ends.
     */
    @Test
    @Timeout(60)
    void anAdoptedThreadIsOneGoroutineForLife() throws Exception {
        int threads = 500, parks = 20;
        AtomicReference<Throwable> error = new AtomicReference<>();
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("adopt-once")).procs(2).build()) {
            ConcurrentLinkedQueue<Thread> started = new ConcurrentLinkedQueue<>();
            CountDownLatch allStarted = new CountDownLatch(1);
            Thread stacks = Thread.ofPlatform().daemon().start(() -> {
                while (allStarted.getCount() > 0 || !started.isEmpty()) {
                    for (Thread t : started) {
                        t.getStackTrace();
                        if (!t.isAlive()) {
                            started.remove(t);
                        }
                    }
                }
            });
            GoHandle parent = rt.go("parent", () -> {
                for (int i = 0; i < threads; i++) {
                    started.add(Thread.ofVirtual().start(() -> {
                        long id = Go.current().id();
                        for (int k = 0; k < parks; k++) {
                            java.util.concurrent.locks.LockSupport.parkNanos(10_000);
                            if (!Go.inGoroutine() || Go.current().id() != id) {
                                error.compareAndSet(null, new AssertionError("goroutine " + id + " became "
                                        + (Go.inGoroutine() ? "goroutine " + Go.current().id() : "no goroutine")));
                            }
                        }
                    }));
                }
                allStarted.countDown();
            });
            assertTrue(parent.join(WAIT), "parent did not finish");
            stacks.join(WAIT);
            assertTrue(error.get() == null, () -> "failed: " + error.get());
            awaitCondition(() -> rt.goroutines() == 0, WAIT, () -> "goroutines() to drop to 0, is " + rt.goroutines()
                    + ":\n" + rt.goroutineDump());
        }
    }
}
