package io.goloom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static io.goloom.TestSupport.awaitCondition;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code Builder.retakenCarrierNice}: sysmon demotes the carrier of a retaken hog, which restores itself as the run ends. */
class RetakenCarrierNiceTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    /** Field 19 of a /proc/.../stat file: the thread's nice value (after the comm field, which may hold spaces). */
    private static int niceOf(Path stat) {
        try {
            String s = Files.readString(stat);
            return Integer.parseInt(s.substring(s.lastIndexOf(')') + 2).split(" ")[16]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The nice value of each live carrier of runtime {@code name} (thread names {@code name-m-N}). */
    private static List<Integer> carrierNices(String name) throws IOException {
        List<Integer> nices = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    if (Files.readString(t.resolve("comm")).strip().startsWith(name + "-m-")) {
                        nices.add(niceOf(t.resolve("stat")));
                    }
                } catch (IOException | UncheckedIOException e) {
                    // the thread exited while we looked
                }
            }
        }
        return nices;
    }

    /**
     * One P, a hog without checkpoints and a sleeper whose due timers are work for its P: after
     * retakeAfter sysmon hands the P off and demotes the hog's carrier, which the hog sees as
     * its own nice value 19; the sleeper, on the carrier that holds the P, never sees anything
     * but 0; and once the hog's run ends, every carrier is back at 0.
     */
    @Test
    @Timeout(120)
    void aRetakenHogsCarrierIsDemotedThenRestored() throws Exception {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "per-thread nice values are Linux's");
        String name = "nice" + TestSupport.uniqueName("");   // comm keeps 15 characters: "niceN-m-M" fits
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        try (GoRuntime rt = GoRuntime.builder().name(name).procs(1).retakenCarrierNice(19)
                .diagnostics(new PrintStream(said, true, StandardCharsets.UTF_8)).build()) {
            String why = said.toString(StandardCharsets.UTF_8);
            assumeFalse(why.contains("retakenCarrierNice(19) is off"), why);   // e.g. no CAP_SYS_NICE here
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger sleeperSaw = new AtomicInteger(), sleeps = new AtomicInteger();
            Path self = Path.of("/proc/thread-self/stat");   // a goroutine's: its carrier's
            GoHandle sleeper = rt.go("sleeper", () -> {
                while (!stop.get()) {
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                    sleeps.incrementAndGet();
                    int n = niceOf(self);
                    if (n != 0) {
                        sleeperSaw.set(n);
                    }
                }
            });
            int[] hogSaw = {0};
            GoHandle hog = rt.go("hog", () -> {
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (hogSaw[0] != 19 && System.nanoTime() < deadline) {
                    long end = System.nanoTime() + 1_000_000;
                    while (System.nanoTime() < end) {
                        Thread.onSpinWait();   // computing, no checkpoint: only a retake moves it
                    }
                    hogSaw[0] = niceOf(self);
                }
            });
            assertTrue(hog.join(WAIT), "hog did not end");
            assertEquals(19, hogSaw[0], "the hog's carrier after its P was retaken");
            int before = sleeps.get();
            awaitCondition(() -> sleeps.get() > before + 5, WAIT, () -> "the sleeper to go on");
            stop.set(true);
            assertTrue(sleeper.join(WAIT), "sleeper did not end");
            assertEquals(0, sleeperSaw.get(), "a carrier holding the P was demoted");
            awaitCondition(() -> {
                try {
                    List<Integer> nices = carrierNices(name);
                    return !nices.isEmpty() && nices.stream().allMatch(n -> n == 0);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, Duration.ofSeconds(10), () -> "every carrier back at nice 0");
            assertTrue(rt.procStats().getFirst().handoffs() > 0);
        }
    }

    /**
     * Linux gives a new thread its creator's nice value, so a carrier started by a demoted
     * thread (a hog's wakep) would run demoted for its whole life: every carrier starts at the
     * runtime's own value instead. Here the creator is a platform thread at nice 19 that
     * starts goroutines on a fresh runtime, which needs new carriers for them.
     */
    @Test
    @Timeout(120)
    void carriersStartedByANiceThreadRunAtTheRuntimesValue() throws Exception {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "per-thread nice values are Linux's");
        String name = "nicf" + TestSupport.uniqueName("");
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        Path self = Path.of("/proc/thread-self/stat");
        int procs = 4;
        // retakeAfter 1 h: no probe is retaken (and demoted) while it spins, whatever the machine's load.
        try (GoRuntime rt = GoRuntime.builder().name(name).procs(procs).retakenCarrierNice(19)
                .retakeAfter(Duration.ofHours(1))
                .diagnostics(new PrintStream(said, true, StandardCharsets.UTF_8)).build()) {
            String why = said.toString(StandardCharsets.UTF_8);
            assumeFalse(why.contains("retakenCarrierNice(19) is off"), why);
            List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
            List<GoHandle> probes = Collections.synchronizedList(new ArrayList<>());
            Thread creator = Thread.ofPlatform().name("nice-creator").start(() -> {
                setOwnNice(19);
                for (int i = 0; i < 2 * procs; i++) {
                    probes.add(rt.go(() -> {
                        long end = System.nanoTime() + 20_000_000;
                        while (System.nanoTime() < end) {
                            Thread.onSpinWait();   // keeps its carrier, so that the others need new ones
                        }
                        seen.add(niceOf(self));
                    }));
                }
            });
            creator.join();
            for (GoHandle h : probes) {
                assertTrue(h.join(WAIT), "probe did not end");
            }
            assertEquals(2 * procs, seen.size());
            assertTrue(seen.stream().allMatch(n -> n == 0), "carriers' nice values: " + seen);
            assertTrue(carrierNices(name).stream().allMatch(n -> n == 0), "carriers: " + carrierNices(name));
        }
    }

    /** setpriority(PRIO_PROCESS, gettid(), nice) for the calling thread, through the FFM API. */
    private static void setOwnNice(int nice) {
        try {
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            MethodHandle gettid = linker.downcallHandle(libc.find("gettid").orElseThrow(), FunctionDescriptor.of(JAVA_INT));
            MethodHandle setpriority = linker.downcallHandle(libc.find("setpriority").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
            int tid = (int) gettid.invokeExact();
            assertEquals(0, (int) setpriority.invokeExact(0, tid, nice), "setpriority");
            assertEquals(nice, niceOf(Path.of("/proc/thread-self/stat")));
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    @Test
    void outOfRangeIsRejectedNamingTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GoRuntime.builder().retakenCarrierNice(20));
        assertEquals("retakenCarrierNice must be in [0, 19] (0: off), was 20", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GoRuntime.builder().retakenCarrierNice(-1));
    }

    /** Without --enable-native-access the runtime says why it does not demote, and the JDK prints no warning of its own. */
    @Test
    @Timeout(90)
    void withoutNativeAccessTheRuntimeSaysWhy() throws Exception {
        TestSupport.ChildRun run = TestSupport.runMain(RetakenCarrierNiceMain.class);
        assertEquals(0, run.exit(), run.output());
        assertTrue(run.output().contains("goloom: runtime \"nice-main\": retakenCarrierNice(19) is off: native access"
                + " is not enabled for goloom: run the JVM with --enable-native-access=ALL-UNNAMED"), run.output());
        assertFalse(run.output().contains("restricted method"), run.output());
        assertTrue(run.output().contains("done"), run.output());
    }
}
