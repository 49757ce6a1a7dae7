package io.goloom;

import io.goloom.trace.DebugSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Go's schedtrace / scheddetail: the snapshot's text is Go's format field for field, its
 * numbers agree with what the test arranged, and the periodic printer (GOLOOM_DEBUG,
 * -Dgoloom.debug, Builder.schedtrace) prints on time and stops with the runtime.
 */
class SchedTraceTest {

    /** Go 1.20+'s SCHED line (proc.go schedtrace, non-detailed). */
    static final Pattern LINE = Pattern.compile("SCHED (\\d+)ms: gomaxprocs=(\\d+) idleprocs=(\\d+) threads=(\\d+)"
            + " spinningthreads=(\\d+) needspinning=([01]) idlethreads=(\\d+) runqueue=(\\d+) \\[(\\d+(?: \\d+)*)]");
    /** The scheddetail header: the line's fields, no per-P list, then Go's four extra fields. */
    static final Pattern HEADER = Pattern.compile("SCHED \\d+ms: gomaxprocs=\\d+ idleprocs=\\d+ threads=\\d+"
            + " spinningthreads=\\d+ needspinning=[01] idlethreads=\\d+ runqueue=\\d+"
            + " gcwaiting=0 nmidlelocked=\\d+ stopwait=0 sysmonwait=0");
    static final Pattern P_LINE = Pattern.compile("  P(\\d+): status=([01]) schedtick=\\d+ syscalltick=0 m=(-1|\\d+)"
            + " runqsize=\\d+ gfreecnt=0 timerslen=\\d+");
    static final Pattern M_LINE = Pattern.compile("  M(\\d+): p=(-1|\\d+) curg=(-1|\\d+) mallocing=0 throwing=0"
            + " preemptoff= locks=0 dying=0 spinning=(true|false) blocked=(true|false) lockedg=(-1|\\d+)");
    static final Pattern G_LINE = Pattern.compile("  G(\\d+): status=([01246])\\(([a-z ]*)\\) m=(-1|\\d+) lockedm=(-1|\\d+)");

    private static GoRuntime.Builder builder(String prefix, int procs) {
        // A failed assertion leaves goroutines parked: close() reports them after 1 s, not 10.
        return GoRuntime.builder().name(TestSupport.uniqueName(prefix)).procs(procs).shutdownTimeout(Duration.ofSeconds(1));
    }

    /** A quiet runtime reads as quiet: every P idle and unowned, no spinning M, empty queues, every M parked. */
    @Test
    @Timeout(20)
    void quietRuntimeReadsAsQuietInGoFormat() throws Exception {
        try (GoRuntime rt = builder("st-quiet", 2).build()) {
            rt.go(() -> { }).join();
            TestSupport.awaitCondition(() -> {
                SchedTrace t = rt.schedtrace();
                return t.idleProcs() == 2 && t.idleThreads() == t.threads() && t.spinningThreads() == 0;
            }, Duration.ofSeconds(10), () -> "a quiet scheduler: " + rt.schedtrace().line());
            SchedTrace t = rt.schedtrace();
            Matcher m = LINE.matcher(t.line());
            assertTrue(m.matches(), "not Go's format: " + t.line());
            assertEquals("2", m.group(2), t.line());          // gomaxprocs
            assertEquals("2", m.group(3), t.line());          // idleprocs == procs
            assertEquals(m.group(4), m.group(7), t.line());   // idlethreads == threads
            assertTrue(Integer.parseInt(m.group(4)) >= 1, t.line());
            assertEquals("0", m.group(8), t.line());          // runqueue
            assertEquals("0 0", m.group(9), t.line());        // local queues
            for (SchedTrace.Proc p : t.procs()) {
                assertEquals(0, p.status(), t.line());
                assertEquals(-1, p.m(), "an idle P has no M: " + p);
            }
            for (SchedTrace.Machine mm : t.machines()) {
                assertTrue(mm.blocked() && mm.p() == -1 && mm.curg() == -1 && !mm.spinning(), "not parked idle: " + mm);
            }
        }
    }

    /**
     * Goroutines started from outside while the only P is held go to the global queue, and the
     * line counts exactly them; once the P is free they run and the queue reads 0 again.
     */
    @Test
    @Timeout(20)
    void globalRunQueueCountsWhatWaitsThere() throws Exception {
        // Nobody takes the P from the hog: no preemption request, no hand-off.
        try (GoRuntime rt = builder("st-runq", 1).preemptAfter(Duration.ofHours(1))
                .retakeAfter(Duration.ofHours(1)).build()) {
            AtomicBoolean release = new AtomicBoolean();
            CountDownLatch hogRunning = new CountDownLatch(1);
            GoHandle hog = rt.go("hog", () -> {
                hogRunning.countDown();
                while (!release.get()) {
                    Thread.onSpinWait();
                }
            });
            TestSupport.await(hogRunning, Duration.ofSeconds(10), "the hog to run");
            List<GoHandle> queued = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                queued.add(rt.go(() -> { }));
            }
            SchedTrace t = rt.schedtrace();
            assertTrue(LINE.matcher(t.line()).matches(), t.line());
            assertEquals(10, t.runQueue(), t.line());
            assertEquals(0, t.idleProcs(), t.line());
            SchedTrace.Machine running = t.machines().stream().filter(m -> m.curg() == hog.id()).findFirst()
                    .orElseThrow(() -> new AssertionError("no M runs the hog: " + t.machines()));
            assertEquals(0, running.p(), "the hog's M holds P0: " + running);
            assertEquals(running.id(), t.procs().get(0).m(), "P0 is held by the hog's M: " + t.procs());
            String detail = t.detail(rt.allGoroutines());
            assertTrue(detail.contains("\n  G" + hog.id() + ": status=2() m=" + running.id() + " lockedm=-1\n"), detail);
            for (GoHandle g : queued) {
                assertTrue(detail.contains("\n  G" + g.id() + ": status=1() m=-1 lockedm=-1\n"), detail);
            }
            release.set(true);
            for (GoHandle g : queued) {
                assertTrue(g.join(Duration.ofSeconds(10)), "queued goroutine did not run");
            }
            hog.join();
            TestSupport.awaitCondition(() -> rt.schedtrace().runQueue() == 0, Duration.ofSeconds(10),
                    () -> "an empty global queue: " + rt.schedtrace().line());
        }
    }

    /**
     * A carrier whose P sysmon took (its goroutine computes past retakeAfter) shows p=-1 while
     * it keeps running that goroutine, as Go shows an M in a syscall; the P shows its new M.
     */
    @Test
    @Timeout(20)
    void carrierWhoseProcWasRetakenShowsNoProc() throws Exception {
        try (GoRuntime rt = builder("st-retake", 1).retakeAfter(Duration.ofMillis(1))
                .preemptAfter(Duration.ofHours(1)).build()) {
            AtomicBoolean release = new AtomicBoolean();
            CountDownLatch hogRunning = new CountDownLatch(1);
            GoHandle hog = rt.go("hog", () -> {
                hogRunning.countDown();
                while (!release.get()) {
                    Thread.onSpinWait();
                }
            });
            try {
                TestSupport.await(hogRunning, Duration.ofSeconds(10), "the hog to run");
                CountDownLatch other = new CountDownLatch(1);
                rt.go(other::countDown);   // queued work: sysmon hands P0 to another carrier for it
                TestSupport.await(other, Duration.ofSeconds(10), "the queued goroutine to run on another carrier");
                SchedTrace t = rt.schedtrace();
                SchedTrace.Machine hogM = t.machines().stream().filter(m -> m.curg() == hog.id()).findFirst()
                        .orElseThrow(() -> new AssertionError("no M runs the hog: " + t.machines()));
                assertEquals(-1, hogM.p(), "the hog's M lost its P: " + t.detail(rt.allGoroutines()));
                assertTrue(t.procs().get(0).m() != hogM.id(), "P0 is not the hog's M's: " + t.procs());
            } finally {
                release.set(true);
            }
            hog.join();
        }
    }

    /**
     * Every scheddetail line has Go's fields in Go's order; goroutines parked on a latch are
     * status=4(sync), and the other wait reasons are WaitReason's labels too.
     */
    @Test
    @Timeout(20)
    void detailShowsEveryPMAndGoroutineWithWaitReasons() throws Exception {
        Object monitor = new Object();
        try (GoRuntime rt = builder("st-detail", 2).build()) {
            CountDownLatch gate = new CountDownLatch(1);
            List<GoHandle> parked = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                parked.add(rt.go(() -> {
                    try {
                        gate.await();
                    } catch (InterruptedException e) {
                        throw new RuntimeException(e);
                    }
                }));
            }
            GoHandle goSleeper = rt.go(() -> {
                try {
                    Go.sleep(Duration.ofMinutes(1));
                } catch (InterruptedException e) {
                    // woken by the test's interrupt at the end
                }
            });
            GoHandle threadSleeper = rt.go(() -> {
                try {
                    Thread.sleep(Duration.ofMinutes(1));
                } catch (InterruptedException e) {
                    // woken by the test's interrupt at the end
                }
            });
            GoHandle blocked;
            String detail;
            synchronized (monitor) {
                blocked = rt.go(() -> {
                    synchronized (monitor) {
                        monitor.notifyAll();
                    }
                });
                List<GoHandle> all = new ArrayList<>(parked);
                all.addAll(List.of(goSleeper, threadSleeper));
                TestSupport.awaitCondition(() -> all.stream().allMatch(g -> g.state() == GoroutineState.WAITING
                                && g.thread().getState() != Thread.State.RUNNABLE)
                                && blocked.thread().getState() == Thread.State.BLOCKED,
                        Duration.ofSeconds(10), () -> "goroutines to park: " + rt.allGoroutines());
                detail = rt.schedtrace().detail(rt.allGoroutines());
            }
            String[] lines = detail.split("\n", -1);
            assertEquals("", lines[lines.length - 1], "the text ends with a newline");
            assertTrue(HEADER.matcher(lines[0]).matches(), "header: " + lines[0]);
            int ps = 0, ms = 0, gs = 0;
            for (int i = 1; i < lines.length - 1; i++) {
                String l = lines[i];
                if (P_LINE.matcher(l).matches()) {
                    assertEquals(0, ms + gs, "P lines come first: " + detail);
                    ps++;
                } else if (M_LINE.matcher(l).matches()) {
                    assertEquals(0, gs, "M lines before G lines: " + detail);
                    ms++;
                } else {
                    assertTrue(G_LINE.matcher(l).matches(), "not a Go P/M/G line: \"" + l + "\"\n" + detail);
                    gs++;
                }
            }
            assertEquals(2, ps, detail);
            assertTrue(ms >= 1, detail);
            assertTrue(gs >= 8, detail);
            for (GoHandle g : parked) {
                assertTrue(detail.contains("\n  G" + g.id() + ": status=4(sync) m=-1 lockedm=-1\n"), detail);
            }
            assertTrue(detail.contains("\n  G" + goSleeper.id() + ": status=4(sleep) m=-1 lockedm=-1\n"), detail);
            assertTrue(detail.contains("\n  G" + threadSleeper.id() + ": status=4(sleep) m=-1"), detail);
            assertTrue(detail.contains("\n  G" + blocked.id() + ": status=4(lock) m=-1"), detail);
            gate.countDown();
            goSleeper.thread().interrupt();
            threadSleeper.thread().interrupt();
        }
    }

    /** Builder.schedtrace at 20 ms: several lines in Go's format, rising uptimes; close stops and joins the thread. */
    @Test
    @Timeout(20)
    void printerPrintsEveryPeriodAndStopsAtClose() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        String name = TestSupport.uniqueName("st-print");
        GoRuntime rt = GoRuntime.builder().name(name).procs(2).diagnostics(capture)
                .schedtrace(Duration.ofMillis(20), false).build();
        try {
            Thread tracer = thread(name + "-schedtrace");
            assertTrue(tracer != null && tracer.isDaemon() && !tracer.isVirtual(), "tracer thread: " + tracer);
            TestSupport.awaitCondition(() -> schedLines(bytes).size() >= 5, Duration.ofSeconds(10),
                    () -> "5 SCHED lines, got:\n" + bytes);
        } finally {
            rt.close();
        }
        assertEquals(null, thread(name + "-schedtrace"), "the tracer thread outlived close()");
        List<String> lines = schedLines(bytes);
        long last = -1;
        for (String l : lines) {
            Matcher m = LINE.matcher(l);
            assertTrue(m.matches(), "not Go's format: \"" + l + "\"");
            long ms = Long.parseLong(m.group(1));
            assertTrue(ms > last, "uptime does not rise: " + lines);
            last = ms;
        }
    }

    /**
     * -Dgoloom.debug turns the detailed printer on at build(), names an unknown key once on the
     * diagnostics stream, and overrides the Builder.
     */
    @Test
    @Timeout(20)
    void propertyTurnsDetailOnAndWarnsOfUnknownKeys() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        String name = TestSupport.uniqueName("st-prop");
        GoRuntime rt;
        System.setProperty(DebugSettings.PROPERTY, "schedtrace=20,gctrace=1,scheddetail=1");
        try {
            rt = GoRuntime.builder().name(name).procs(2).diagnostics(capture).shutdownTimeout(Duration.ofSeconds(1))
                    .schedtrace(Duration.ofHours(1), false).build();   // overridden by the property
        } finally {
            System.clearProperty(DebugSettings.PROPERTY);
        }
        CountDownLatch gate = new CountDownLatch(1);
        try (rt) {
            GoHandle waiter = rt.go(() -> {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
            });
            String parkedLine = "  G" + waiter.id() + ": status=4(sync) m=-1 lockedm=-1";
            TestSupport.awaitCondition(() -> bytes.toString(StandardCharsets.UTF_8).contains(parkedLine + "\n"),
                    Duration.ofSeconds(10), () -> "\"" + parkedLine + "\" printed, got:\n" + bytes);
            gate.countDown();
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        List<String> warnings = out.lines().filter(l -> l.contains("gctrace")).toList();
        assertEquals(List.of("goloom: -Dgoloom.debug: ignoring unknown setting(s) \"gctrace=1\""
                + " (known: schedtrace, scheddetail, trace)"), warnings);
        assertTrue(out.lines().anyMatch(l -> HEADER.matcher(l).matches()), out);
        assertTrue(out.lines().anyMatch(l -> P_LINE.matcher(l).matches()), out);
        assertTrue(out.lines().anyMatch(l -> M_LINE.matcher(l).matches()), out);
    }

    /** A bad value in -Dgoloom.debug fails build() with the value and the range, and starts nothing. */
    @Test
    void badPropertyValueFailsBuild() {
        String name = TestSupport.uniqueName("st-bad");
        System.setProperty(DebugSettings.PROPERTY, "schedtrace=abc");
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> GoRuntime.builder().name(name).build());
            assertEquals("-Dgoloom.debug: schedtrace must be an integer number of milliseconds in [1, 3600000],"
                    + " was \"abc\"", e.getMessage());
        } finally {
            System.clearProperty(DebugSettings.PROPERTY);
        }
        assertEquals(null, thread(name + "-schedtrace"));
    }

    /** GOLOOM_DEBUG in the environment of a fresh JVM turns the printer on (SchedTraceEnvMain). */
    @Test
    @Timeout(60)
    void environmentVariableTurnsPrinterOn() throws Exception {
        List<String> cmd = List.of(TestSupport.javaLauncher(), "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                SchedTraceEnvMain.class.getName());
        TestSupport.ChildRun r = TestSupport.runChild(cmd, Map.of(DebugSettings.ENV, "schedtrace=10"));
        String text = r.output();
        assertEquals(0, r.exit(), text);
        assertTrue(text.lines().anyMatch(l -> LINE.matcher(l).matches()), "no SCHED line:\n" + text);
        assertTrue(text.contains(SchedTraceEnvMain.OK), text);
    }

    private static List<String> schedLines(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("SCHED")).toList();
    }

    /** The live thread named {@code name}, or null. */
    private static Thread thread(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name) && t.isAlive())
                .findFirst().orElse(null);
    }
}
