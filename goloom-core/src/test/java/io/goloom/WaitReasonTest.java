package io.goloom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One wait reason for the trace, scheddetail and the dump ({@link WaitReason}): goroutines
 * blocked on a lock, on a latch, in {@code Go.sleep}, in {@code synchronized}, and one that said
 * {@code SELECT} before it parked show the same reason in {@link GoHandle#waitReason}, in the
 * goroutine dump's group header and in the GoBlock that ended their run in the trace.
 */
class WaitReasonTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void traceDumpAndHandleAgreeOnWhyGoroutinesWait() throws Exception {
        Path file = dir.resolve("reasons.json");
        ReentrantLock lock = new ReentrantLock();
        Object monitor = new Object();
        CountDownLatch latch = new CountDownLatch(1);
        AtomicBoolean selectDone = new AtomicBoolean();
        // One P: the join of a trivial goroutine below runs on the only M, after it wrote the
        // parked goroutines' GoBlock events.
        try (GoRuntime rt = GoRuntime.builder().name(TestSupport.uniqueName("reasons")).procs(1)
                .shutdownTimeout(Duration.ofSeconds(1)).build()) {
            rt.startTrace(file);
            lock.lock();
            GoHandle locker, latched, sleeper, selecter, synced;
            synchronized (monitor) {
                locker = rt.go("locker", () -> {
                    lock.lock();
                    lock.unlock();
                });
                latched = rt.go("latched", () -> {
                    try {
                        latch.await();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                });
                sleeper = rt.go("sleeper", () -> {
                    try {
                        Go.sleep(Duration.ofHours(1));
                    } catch (InterruptedException e) {
                        // the test's interrupt at the end
                    }
                });
                selecter = rt.go("selecter", () -> {
                    while (!selectDone.get()) {
                        Go.setWaitReason(WaitReason.SELECT);
                        LockSupport.park();
                    }
                });
                synced = rt.go("synced", () -> {
                    synchronized (monitor) {
                        monitor.notifyAll();
                    }
                });
                List<GoHandle> all = List.of(locker, latched, sleeper, selecter, synced);
                TestSupport.awaitCondition(() -> all.stream().allMatch(g -> g.state() == GoroutineState.WAITING)
                                && synced.thread().getState() == Thread.State.BLOCKED,
                        WAIT, () -> "goroutines to park: " + rt.allGoroutines());
                assertTrue(rt.go(() -> { }).join(WAIT), "a goroutine run after the others parked");

                Map<GoHandle, WaitReason> expected = Map.of(locker, WaitReason.LOCK, latched, WaitReason.SYNC,
                        sleeper, WaitReason.SLEEP, selecter, WaitReason.SELECT, synced, WaitReason.LOCK);
                String dump = rt.goroutineDump();
                for (Map.Entry<GoHandle, WaitReason> e : expected.entrySet()) {
                    GoHandle g = e.getKey();
                    assertEquals(e.getValue(), g.waitReason().orElse(null), () -> g + " waitReason()");
                    assertTrue(dump.contains("1 goroutine waiting [" + e.getValue().label() + "] in "), dump);
                }
                assertTrue(dump.contains("[lock] in ReentrantLock"), dump);
                assertTrue(dump.contains("[sync] in CountDownLatch.await"), dump);
                assertTrue(dump.contains("[sleep] in Go.sleep"), dump);

                TraceSummary s = rt.stopTrace();
                assertEquals(0, s.dropped(), () -> "dropped events: " + s);
                Map<Long, String> blocked = blockReasons(file);
                for (Map.Entry<GoHandle, WaitReason> e : expected.entrySet()) {
                    GoHandle g = e.getKey();
                    assertEquals(e.getValue().label(), blocked.get(g.id()),
                            () -> g + "'s last GoBlock in the trace; all: " + blocked);
                }
            }
            lock.unlock();
            latch.countDown();
            selectDone.set(true);
            LockSupport.unpark(selecter.thread());
            sleeper.thread().interrupt();
            for (GoHandle g : List.of(locker, latched, sleeper, selecter, synced)) {
                assertTrue(g.join(WAIT), () -> g + " to end");
            }
        }
    }

    /** A goroutine that parks again without saying why does not keep the reason of its last park. */
    @Test
    @Timeout(60)
    void reasonLastsOnePark() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().name(TestSupport.uniqueName("reason-once")).procs(1).build()) {
            CountDownLatch second = new CountDownLatch(1);
            AtomicBoolean first = new AtomicBoolean();
            GoHandle g = rt.go(() -> {
                while (!first.get()) {
                    Go.setWaitReason(WaitReason.CHAN_SEND);
                    LockSupport.park();
                }
                try {
                    second.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            TestSupport.awaitCondition(() -> g.waitReason().orElse(null) == WaitReason.CHAN_SEND, WAIT,
                    () -> "the first park: " + g.waitReason());
            first.set(true);
            LockSupport.unpark(g.thread());
            TestSupport.awaitCondition(() -> g.waitReason().orElse(null) == WaitReason.SYNC, WAIT,
                    () -> "the second park: " + g.waitReason());
            second.countDown();
            assertTrue(g.join(WAIT));
        }
    }

    /** For each goroutine, the reason of the last GoBlock that ended one of its runs (M tracks). */
    @SuppressWarnings("unchecked")
    private static Map<Long, String> blockReasons(Path file) throws Exception {
        Map<String, Object> top = (Map<String, Object>) new TraceTest.Json(Files.readString(file, StandardCharsets.UTF_8)).parse();
        Map<Long, String> reasons = new HashMap<>();
        for (Object o : (List<Object>) top.get("traceEvents")) {
            Map<String, Object> e = (Map<String, Object>) o;
            if ("X".equals(e.get("ph")) && ((Number) e.get("tid")).longValue() >= 1000) {
                Map<String, Object> args = (Map<String, Object>) e.get("args");
                if ("block".equals(args.get("end"))) {
                    reasons.put(((Number) args.get("g")).longValue(), (String) args.get("reason"));
                }
            }
        }
        return reasons;
    }
}
