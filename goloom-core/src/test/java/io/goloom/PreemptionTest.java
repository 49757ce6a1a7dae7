package io.goloom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.goloom.TestSupport.await;
import static io.goloom.TestSupport.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** sysmon's cooperative preemption: a goroutine that ran past preemptAfter yields at Go.checkpoint(). */
class PreemptionTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    /**
     * procs=2, four goroutines computing in a loop with a checkpoint per iteration, and a probe
     * sleeping 1 ms in a loop for 2 s: the probe keeps running, because every hog is asked to
     * yield after 10 ms and goes behind it in the global queue. Without preemption the probe
     * never runs again while the hogs compute (every P is theirs).
     */
    @Test
    @Timeout(120)
    void hogsWithCheckpointsLetASleeperRun() throws Exception {
        ProcStats total = hogsAndASleeper(true);
        assertTrue(total.preemptions() > 0, total::toString);
    }

    /**
     * The same hogs without checkpoints: they cannot be asked to yield, but sysmon hands each
     * hog's P to another carrier after retakeAfter (20 ms), so the probe still runs; without
     * hand-off it never would.
     */
    @Test
    @Timeout(120)
    void hogsWithoutCheckpointsLoseTheirPAndASleeperRuns() throws Exception {
        ProcStats total = hogsAndASleeper(false);
        assertTrue(total.handoffs() > 0, total::toString);
    }

    /**
     * The probe sleeps with {@code Go.sleep}: its timer is on a P a hog holds. The hog yields
     * (preemption) or loses the P (retake: due timers count as work), and the M that then
     * holds the P fires the timer.
     */
    @Test
    @Timeout(120)
    void hogsLetAGoSleepProbeRun() throws Exception {
        ProcStats total = hogsAndASleeper(true, true);
        assertTrue(total.timersFired() >= 15, total::toString);
        total = hogsAndASleeper(false, true);
        assertTrue(total.timersFired() >= 15, total::toString);
    }

    private static ProcStats hogsAndASleeper(boolean checkpoints) throws Exception {
        return hogsAndASleeper(checkpoints, false);
    }

    /** Runs the scenario, checks the probe, and returns the Ps' counters summed. */
    private static ProcStats hogsAndASleeper(boolean checkpoints, boolean goSleep) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("preempt")).procs(2).build()) {
            CountDownLatch hogsRunning = new CountDownLatch(4);
            List<GoHandle> hogs = new ArrayList<>();
            AtomicLong sink = new AtomicLong();
            for (int i = 0; i < 4; i++) {
                hogs.add(rt.go("hog-" + i, () -> {
                    hogsRunning.countDown();
                    long x = 0;
                    while (!stop.get()) {
                        for (int k = 0; k < 1_000; k++) {
                            x = x * 6364136223846793005L + 1442695040888963407L;
                        }
                        if (checkpoints) {
                            Go.checkpoint();
                        }
                    }
                    sink.addAndGet(x);
                }));
            }
            await(hogsRunning, WAIT, "the hogs to start");
            long[] sleeps = new long[1], maxLateness = new long[1];   // read after probeDone
            CountDownLatch probeDone = new CountDownLatch(1);
            rt.go("probe", () -> {
                long end = System.nanoTime() + 2_000_000_000L;
                try {
                    while (System.nanoTime() < end) {
                        long t0 = System.nanoTime();
                        if (goSleep) {
                            Go.sleep(Duration.ofMillis(1));
                        } else {
                            Thread.sleep(1);
                        }
                        sleeps[0]++;
                        maxLateness[0] = Math.max(maxLateness[0], System.nanoTime() - t0 - 1_000_000);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                probeDone.countDown();
            });
            await(probeDone, WAIT, "the probe's 2 s of sleeps");
            stop.set(true);
            for (GoHandle h : hogs) {
                assertTrue(h.join(WAIT), h + " did not stop");
            }
            ProcStats total = rt.procStats().stream().reduce(PreemptionTest::sum).orElseThrow();
            String summary = String.format("checkpoints %b, Go.sleep %b: probe iterations %d, lateness max %.1f ms; %s",
                    checkpoints, goSleep, sleeps[0], maxLateness[0] / 1e6, total);
            // A quiet machine: ~80-170 iterations, lateness under ~30 ms. The bounds leave room
            // for a loaded one.
            assertTrue(sleeps[0] >= 15, summary);
            assertTrue(maxLateness[0] < 200_000_000L, summary);
            return total;
        }
    }

    private static ProcStats sum(ProcStats a, ProcStats b) {
        return new ProcStats(-1, a.runnextHits() + b.runnextHits(), a.localPops() + b.localPops(),
                a.globalGrabs() + b.globalGrabs(), a.stealsIn() + b.stealsIn(), a.stealsOut() + b.stealsOut(),
                a.goroutinesRun() + b.goroutinesRun(), a.runQueueLength() + b.runQueueLength(),
                a.latencySamples() + b.latencySamples(), a.latencyNanos() + b.latencyNanos(),
                a.preemptions() + b.preemptions(), a.handoffs() + b.handoffs(),
                a.timers() + b.timers(), a.timersFired() + b.timersFired());
    }

    /** No request, no yield: a goroutine that checkpoints in a short loop is not counted as preempted; outside a goroutine it is a no-op. */
    @Test
    @Timeout(60)
    void checkpointWithoutARequestDoesNothing() throws Exception {
        Go.checkpoint();   // a platform thread: nothing happens
        // preemptAfter 1 h: on a loaded machine the loop may well run past 10 ms and be asked.
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("no-preempt")).procs(1)
                .preemptAfter(Duration.ofHours(1)).build()) {
            GoHandle h = rt.go(() -> {
                for (int i = 0; i < 100_000; i++) {
                    Go.checkpoint();
                }
            });
            assertTrue(h.join(WAIT));
            ProcStats p0 = rt.procStats().getFirst();
            assertEquals(0, p0.preemptions(), p0::toString);
            assertEquals(1, p0.goroutinesRun(), p0::toString);
        }
    }
}
