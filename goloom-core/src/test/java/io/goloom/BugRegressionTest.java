package io.goloom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static io.goloom.TestSupport.await;
import static io.goloom.TestSupport.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bugs this suite found in goloom-core (issue #3): each test marked "BUG" failed on commit
 * a082cc0, and its Javadoc gives the cause and the fix; they stay as regression tests.
 */
class BugRegressionTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /**
     * BUG (failed on a082cc0): the JDK's I/O poller threads become goroutines of whichever runtime does the first
     * virtual-thread socket I/O of the JVM. On Linux JDK 25 uses {@code jdk.pollerMode=2}
     * (VTHREAD_POLLERS): {@code sun.nio.ch.Poller}'s static initializer, run lazily by the first
     * virtual thread that parks on I/O, starts its "SubPoller-N" threads with
     * {@code Thread.ofVirtual()}, and those inherit the current goroutine's G as their scheduler;
     * {@code Scheduler.readyForeign} then adopts them as goroutines of that runtime for the life
     * of the JVM. Effects: {@code goroutines()} never returns to 0, {@code close()} waits its whole
     * shutdown timeout (10 s by default) and reports the pollers as stuck goroutines, and every
     * virtual thread's socket I/O in the JVM (other runtimes, the JDK's own scheduler) then
     * depends on that runtime's Ps, or on its single fallback carrier once it is closed.
     * First fixed by initialising {@code sun.nio.ch.Poller} from a platform thread; since issue
     * 14 the first runtime initialises it from a system goroutine ({@code IoPollers}), so the
     * pollers run on goloom's carriers but as system goroutines: not counted, not waited for,
     * handed back to the JDK's scheduler at close. This test holds either design to the
     * effects above. Runs in a fresh JVM, since the poller is initialised once per JVM.
     */
    @Test
    @Timeout(90)
    void jdkPollerThreadsAreNotAdoptedAsGoroutines() throws Exception {
        TestSupport.ChildRun r = TestSupport.runMain(SocketInGoroutineMain.class);
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("read=7"), r.output());
        assertTrue(r.output().contains("goroutines=0"),
                "goroutines still alive after the only goroutine ended (the JDK's pollers?):\n" + r.output());
        assertTrue(r.output().contains("aliveAtClose=0"), r.output());
    }

    /**
     * The first runtime starts the JDK's I/O pollers in a system goroutine ({@code IoPollers});
     * closed right after build(), before or while that goroutine runs, it must leave working
     * pollers behind: socket reads then work in a plain virtual thread and in a goroutine of a
     * second runtime. Fresh JVM: the pollers start once per JVM.
     */
    @Test
    @Timeout(90)
    void pollersOfARuntimeClosedAtOnceKeepWorking() throws Exception {
        TestSupport.ChildRun r = TestSupport.runMain(IoAfterQuickCloseMain.class);
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("jdk-read=7") && r.output().contains("goroutine-read=7"), r.output());
    }

    /**
     * BUG (failed on a082cc0): a goroutine that keeps running after close() (on the fallback carrier, as documented:
     * "keeps working, slowly") is no longer recognised as a goroutine: {@code Go.current()}
     * throws IllegalStateException "called outside a goroutine" and {@code Go.inGoroutine()} is
     * false. Cause: {@code Scheduler.currentGoroutine()} finds the goroutine only through
     * {@code M.current().curg}, and {@code Scheduler.runAfterClose} runs the continuation on a
     * plain "-after-close" thread that is not an M. Suggested fix: let the fallback carrier
     * record the goroutine it runs (e.g. make it a small Thread subclass with a {@code curg}
     * field, or set a field before {@code g.cont.run()}) and have {@code currentGoroutine()}
     * look there too.
     */
    @Test
    @Timeout(60)
    void goCurrentStillWorksForAGoroutineThatOutlivesClose() throws Exception {
        CountDownLatch parked = new CountDownLatch(1), release = new CountDownLatch(1);
        AtomicReference<Object> seen = new AtomicReference<>();
        GoRuntime rt = GoRuntime.builder().name(uniqueName("after-close")).procs(1)
                .shutdownTimeout(Duration.ofMillis(100))
                .diagnostics(new PrintStream(OutputStream.nullOutputStream())).build();
        GoHandle h;
        try (rt) {
            h = rt.go("outlives-close", () -> {
                parked.countDown();
                try {
                    release.await();
                    seen.set(Go.inGoroutine() ? Go.current().id() : "Go.inGoroutine() is false");
                } catch (Throwable t) {
                    seen.set(t.toString());
                }
            });
            await(parked, WAIT, "the goroutine to park");
        }
        release.countDown();
        assertTrue(h.join(WAIT), "the goroutine did not finish after close");
        assertEquals(h.id(), seen.get(), "Go.current() in a goroutine running after close");
    }

    /**
     * BUG (failed on a082cc0): with {@code maxThreads == procs} (a legal configuration: "Accepted: procs to
     * 1,000,000"), a wake-up is lost when new work arrives while an M is between giving up its P
     * and putting itself on the idle-M list. {@code Scheduler.startm} then finds an idle P but no
     * idle M, sees {@code mcount >= maxThreads}, puts the P back, prints "has reached
     * maxThreads" and returns; the M that was about to park ({@code M.stopm} → {@code mput})
     * parks without looking again. The work stays queued while a P and an M are idle, until
     * some other event wakes an M. Scenario: procs=2, maxThreads=2; a goroutine keeps P0 busy and
     * spawns one goroutine at a time (runnext + wakep), waiting for it to run on P1; within a few
     * thousand rounds one is never run. (With the default maxThreads a third M is created
     * instead and 6 s of rounds pass.) Suggested fix: like Go's {@code sched.needspinning},
     * record the dropped wake-up in startm's maxThreads branch (under the lock) and have
     * {@code mput} refuse to park when it is set: clear it and take the idle P back (spinning);
     * or re-check the queues in {@code mput} under the lock.
     */
    @Test
    @Timeout(90)
    void noLostWakeUpWhenMaxThreadsEqualsProcs() throws Exception {
        ByteArrayOutputStream diag = new ByteArrayOutputStream();
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("maxthreads")).procs(2).maxThreads(2)
                .shutdownTimeout(Duration.ofSeconds(2))
                .diagnostics(new PrintStream(diag, true, StandardCharsets.UTF_8)).build()) {
            CompletableFuture<String> result = new CompletableFuture<>();
            // Contend the scheduler lock (threads() takes it), so that P1's M, which needs it in
            // mput() right after giving up its P, lingers in the racy window more often.
            Thread contender = Thread.ofPlatform().daemon().start(() -> {
                while (!result.isDone()) {
                    rt.threads();
                }
            });
            rt.go("busy-P0", () -> {
                AtomicInteger ran = new AtomicInteger();
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                long t0 = System.nanoTime();
                int round = 0;
                for (; System.nanoTime() - t0 < 6_000_000_000L; round++) {
                    long d = System.nanoTime(), delay = rnd.nextInt(30_000);
                    while (System.nanoTime() - d < delay) {
                        Thread.onSpinWait();      // vary when the spawn lands in P1's M's give-up path
                    }
                    Go.go(ran::incrementAndGet);
                    long w = System.nanoTime();
                    while (ran.get() <= round) {  // never yield: only P1 can run it
                        if (System.nanoTime() - w > 3_000_000_000L) {
                            result.complete("round " + round + ": a spawned goroutine did not run for 3 s while P1 was idle");
                            return;
                        }
                        Thread.onSpinWait();
                    }
                }
                result.complete(null);
            });
            String failure = result.get(60, TimeUnit.SECONDS);
            contender.join();
            assertTrue(failure == null, () -> failure + "; procStats " + rt.procStats() + "; diagnostics: "
                    + diag.toString(StandardCharsets.UTF_8).strip());
        }
    }

    /**
     * On procs=2, a goroutine readied into the runnext of a goroutine that then keeps its
     * carrier busy runs on the idle P. Go's ready() always calls wakep(); goloom wakes a thief
     * only for one lone put in 1024 or after thieves had to steal that P's runnext ("runnext
     * and waking" in P), and sysmon wakes one for a runnext that waited a whole round while a
     * P idles, or hands A's P to another carrier once A's run outlasts retakeAfter. Before
     * sysmon (a082cc0), B waited the full 3 s while P1 idled.
     */
    @Test
    @Timeout(60)
    void goroutineReadiedIntoRunnextRunsOnAnIdlePWhileTheReadierSpins() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("runnext-wake")).procs(2).build()) {
            AtomicBoolean go = new AtomicBoolean(), bRan = new AtomicBoolean();
            CountDownLatch bParked = new CountDownLatch(1);
            GoHandle b = rt.go("B", () -> {
                bParked.countDown();
                while (!go.get()) {
                    LockSupport.park();
                }
                bRan.set(true);
            });
            await(bParked, WAIT, "B to park");
            CompletableFuture<Boolean> ranWhileSpinning = new CompletableFuture<>();
            rt.go("A", () -> {
                long t0 = System.nanoTime();
                while (System.nanoTime() - t0 < 50_000_000) {
                    Thread.onSpinWait();     // let the other M go idle
                }
                go.set(true);
                LockSupport.unpark(b.thread());
                long t1 = System.nanoTime();
                while (!bRan.get() && System.nanoTime() - t1 < 3_000_000_000L) {
                    Thread.onSpinWait();     // keep this P busy: B can only run on the idle P
                }
                ranWhileSpinning.complete(bRan.get());
            });
            assertTrue(ranWhileSpinning.get(30, TimeUnit.SECONDS),
                    "B stayed in A's runnext for 3 s while the other P was idle");
            List<ProcStats> stats = rt.procStats();
            // B got out by a steal (sysmon woke a thief) or a hand-off (sysmon gave A's P,
            // with B in its runnext, to another carrier once A's run outlasted retakeAfter).
            assertTrue(stats.stream().mapToLong(s -> s.stealsIn() + s.handoffs()).sum() > 0, stats::toString);
        }
    }

    /**
     * Regression: {@code Thread.getStackTrace()} of a goroutine waiting in the global queue made
     * the JDK ready it a second time (it resubmits a runnable, unmounted thread after suspending
     * it); goloom queued it twice, which cut the global queue's intrusive list, lost the
     * goroutines behind it and killed a carrier with a NullPointerException. close() hit it by
     * itself, since its report takes the stacks of live goroutines. Found in review.
     */
    @Test
    @Timeout(60)
    void stackTraceOfAQueuedGoroutineDoesNotQueueItTwice() throws Exception {
        AtomicBoolean hogRun = new AtomicBoolean(true);
        CountDownLatch hogStarted = new CountDownLatch(1), allDone = new CountDownLatch(3);
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("stack-requeue")).procs(1).build()) {
            Thread[] waiters = new Thread[3];
            for (int i = 0; i < waiters.length; i++) {
                waiters[i] = rt.go("w" + i, () -> {
                    LockSupport.park();
                    allDone.countDown();
                }).thread();
            }
            for (Thread t : waiters) {
                TestSupport.awaitCondition(() -> t.getState() == Thread.State.WAITING, WAIT, () -> t + " to park");
            }
            rt.go("hog", () -> {                 // holds the only P, so the unparked stay queued
                hogStarted.countDown();
                while (hogRun.get()) {
                    Thread.onSpinWait();
                }
            });
            await(hogStarted, WAIT, "the hog to run");
            for (Thread t : waiters) {
                LockSupport.unpark(t);           // from a platform thread: the global queue
            }
            assertEquals(3, rt.globalQueueLength());
            for (Thread t : waiters) {
                assertTrue(t.getStackTrace().length >= 0);
            }
            assertEquals(3, rt.globalQueueLength(), "getStackTrace() queued a goroutine a second time");
            hogRun.set(false);
            await(allDone, WAIT, "every queued goroutine to run");
        }
    }

    /**
     * BUG (issue #5 session): {@code close()} threw {@code IllegalThreadStateException("Thread not
     * started")} when a wake-up spawned an M just as the runtime closed: {@code newm} published
     * the M in {@code allm} under the lock and started it after releasing it, and
     * {@code terminate} joined the unstarted thread. Interrupts racing a
     * {@code SynchronousQueue} pair make the last unparks spawn Ms; before the fix this failed
     * within a few rounds (the channel tests' helper's reproduction). Fix: {@code newm} starts
     * the M under the lock that publishes it.
     */
    @Test
    @Timeout(120)
    void closeRacingANewMJoinsOnlyStartedThreads() throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (int round = 0; round < 150 && System.nanoTime() < until; round++) {
            GoRuntime rt = GoRuntime.builder().name(uniqueName("close-newm")).procs(2).build();
            java.util.concurrent.SynchronousQueue<Integer> q = new java.util.concurrent.SynchronousQueue<>();
            Thread runner = rt.go(() -> {
                Thread s = rt.go(() -> {
                    for (int j = 0; j < 1000; j++) {
                        try {
                            q.put(j);
                        } catch (InterruptedException e) {
                            j--;
                        }
                    }
                }).thread();
                Thread r = rt.go(() -> {
                    for (int j = 0; j < 1000; j++) {
                        try {
                            q.take();
                        } catch (InterruptedException e) {
                            j--;
                        }
                    }
                }).thread();
                Thread x = rt.go(() -> {
                    while (r.isAlive() || s.isAlive()) {
                        (ThreadLocalRandom.current().nextBoolean() ? s : r).interrupt();
                        LockSupport.parkNanos(5_000);
                    }
                }).thread();
                try {
                    r.join();
                    s.join();
                    x.join();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }).thread();
            assertTrue(runner.join(WAIT), "round " + round + ": the put/take pair did not finish");
            rt.close();      // threw IllegalThreadStateException before the fix
        }
    }
}
