package io.goloom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The execution trace (issue #6 part 2): a traced workload's file parses as JSON, follows the
 * Trace Event format (metadata names every track, X slices have a duration, flows pair up) and
 * is consistent with the scheduler (runs on one P never overlap, every run is closed by the end
 * that ended it, one GoCreate per goroutine started); the API refuses misuse with clear errors.
 */
class TraceTest {

    @TempDir
    Path dir;

    private static GoRuntime.Builder builder(String prefix, int procs) {
        return GoRuntime.builder().name(TestSupport.uniqueName(prefix)).procs(procs).shutdownTimeout(Duration.ofSeconds(1));
    }

    /** Ping-pong over two queues, a Go.yield and a sleep: unblocks, flows, GoSched and a timer fire. */
    @Test
    @Timeout(20)
    void pingPongTraceIsConsistent() throws Exception {
        Path file = dir.resolve("pingpong.json");
        int rounds = 2000;
        try (GoRuntime rt = builder("trace-pp", 2).build()) {
            rt.startTrace(file);
            BlockingQueue<Integer> ping = new ArrayBlockingQueue<>(1), pong = new ArrayBlockingQueue<>(1);
            GoHandle a = rt.go("ping", () -> {
                try {
                    for (int i = 0; i < rounds; i++) {
                        ping.put(i);
                        pong.take();
                    }
                    Go.yield();
                    Go.sleep(Duration.ofMillis(2));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            GoHandle b = rt.go("pong", () -> {
                try {
                    for (int i = 0; i < rounds; i++) {
                        pong.put(ping.take());
                    }
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            a.join();
            b.join();
            TestSupport.awaitCondition(() -> rt.goroutines() == 0, Duration.ofSeconds(5), () -> "goroutines to end");
            TraceSummary s = rt.stopTrace();
            assertEquals(file, s.path());
            assertEquals(0, s.dropped(), () -> "dropped events: " + s);
            Trace t = Trace.check(file, true);
            assertEquals(s.events(), ((Number) t.otherData.get("events")).longValue());
            assertEquals(2, t.count("GoCreate"), "one GoCreate per goroutine started");
            assertEquals(2, t.slicesEnded("end"), "one run ending dead per goroutine");
            assertTrue(t.count("GoUnblock") >= rounds, () -> "GoUnblock " + t.count("GoUnblock") + " < " + rounds);
            assertTrue(t.flows >= rounds, () -> "flows " + t.flows + " < " + rounds);
            assertTrue(t.count("GoSched") >= 1, "Go.yield records GoSched");
            assertTrue(t.count("TimerFire") >= 1, "the sleep's timer fire is recorded");
            assertTrue(t.count("ProcStart") >= 1, "an M acquiring a P records ProcStart");
        }
    }

    /** One goroutine starts 300 that compute, yield and sleep; two Ps share them. */
    @Test
    @Timeout(20)
    void fanOutTraceIsConsistent() throws Exception {
        Path file = dir.resolve("fanout.json");
        int n = 300;
        try (GoRuntime rt = builder("trace-fan", 2).build()) {
            rt.startTrace(file);
            CountDownLatch done = new CountDownLatch(n);
            AtomicLong sink = new AtomicLong();
            rt.go("spawner", () -> {
                for (int i = 0; i < n; i++) {
                    rt.go(() -> {
                        long x = 0;
                        for (int k = 0; k < 20_000; k++) {
                            x += k * 31L ^ x;
                        }
                        sink.addAndGet(x);
                        Go.yield();
                        try {
                            Go.sleep(Duration.ofMillis(1));
                        } catch (InterruptedException e) {
                            throw new AssertionError(e);
                        }
                        done.countDown();
                    });
                }
            });
            TestSupport.await(done, Duration.ofSeconds(15), "fan-out goroutines");
            TestSupport.awaitCondition(() -> rt.goroutines() == 0, Duration.ofSeconds(5), () -> "goroutines to end");
            TraceSummary s = rt.stopTrace();
            assertEquals(0, s.dropped(), () -> "dropped events: " + s);
            Trace t = Trace.check(file, true);
            assertEquals(n + 1, t.count("GoCreate"), "one GoCreate per goroutine started");
            assertEquals(n + 1, t.slicesEnded("end"), "one run ending dead per goroutine");
            assertTrue(t.count("GoSched") >= n, () -> "GoSched " + t.count("GoSched") + " < " + n);
            assertTrue(t.count("TimerFire") >= n, () -> "TimerFire " + t.count("TimerFire") + " < " + n);
            assertTrue(t.pSlices > 0 && t.mSlices >= t.pSlices, () -> "P slices " + t.pSlices + ", M slices " + t.mSlices);
        }
    }

    /**
     * Goroutines computing without checkpoints while others wait: sysmon takes their Ps
     * (retakeAfter 1 ms) and gives them to new carriers. Each Handoff cuts the run's slice on
     * the P, so the P's track never shows two runs at once, while the run goes on, whole, on
     * its M's track.
     */
    @Test
    @Timeout(20)
    void handoffsCutRunsOnTheirP() throws Exception {
        Path file = dir.resolve("handoff.json");
        int n = 6;
        try (GoRuntime rt = builder("trace-handoff", 2).retakeAfter(Duration.ofMillis(1))
                .preemptAfter(Duration.ofHours(1)).build()) {
            rt.startTrace(file);
            CountDownLatch done = new CountDownLatch(n);
            for (int i = 0; i < n; i++) {
                rt.go(() -> {
                    for (int k = 0; k < 5; k++) {
                        for (long t0 = System.nanoTime(); System.nanoTime() - t0 < 2_000_000L; ) {
                            Thread.onSpinWait();
                        }
                    }
                    done.countDown();
                });
            }
            TestSupport.await(done, Duration.ofSeconds(15), "spinning goroutines");
            TestSupport.awaitCondition(() -> rt.goroutines() == 0, Duration.ofSeconds(5), () -> "goroutines to end");
            TraceSummary s = rt.stopTrace();
            assertEquals(0, s.dropped(), () -> "dropped events: " + s);
            Trace t = Trace.check(file, true);
            assertTrue(t.count("Handoff") >= 1, "sysmon's retakes are recorded");
            assertEquals(n, t.slicesEnded("end"), "one run ending dead per goroutine");
        }
    }

    /** A tiny buffer drops and counts instead of growing or blocking, and the file stays valid. */
    @Test
    @Timeout(20)
    void fullBuffersDropAndCount() throws Exception {
        Path file = dir.resolve("small.json");
        try (GoRuntime rt = builder("trace-small", 2).build()) {
            rt.startTrace(file, 16);
            for (int i = 0; i < 200; i++) {
                rt.go(Go::yield).join();
            }
            TraceSummary s = rt.stopTrace();
            assertTrue(s.dropped() > 0, () -> "nothing dropped: " + s);
            assertTrue(s.events() <= 16L * (rt.threads() + 1), () -> "more than the bound: " + s);
            Trace.check(file, false);   // runs whose end was dropped are cut, still well-formed
        }
    }

    @Test
    @Timeout(20)
    void misuseFailsClearly() throws Exception {
        try (GoRuntime rt = builder("trace-misuse", 1).build()) {
            IllegalStateException notTracing = assertThrows(IllegalStateException.class, rt::stopTrace);
            assertTrue(notTracing.getMessage().contains("not tracing"), notTracing.getMessage());
            Path file = dir.resolve("t.json");
            rt.startTrace(file);
            IllegalStateException twice = assertThrows(IllegalStateException.class, () -> rt.startTrace(dir.resolve("u.json")));
            assertTrue(twice.getMessage().contains("already tracing to " + file), twice.getMessage());
            rt.stopTrace();
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> rt.startTrace(file, 0));
            assertTrue(bad.getMessage().contains("was 0"), bad.getMessage());
            assertThrows(java.io.IOException.class, () -> rt.startTrace(dir.resolve("missing/dir/t.json")));
            rt.startTrace(file);   // a failed start left nothing behind
            assertEquals(file, rt.stopTrace().path());
        }
    }

    /** A goroutine of a class other than NORMAL is traced with its class; a NORMAL one without. */
    @Test
    @Timeout(20)
    void goCreateCarriesAClassOtherThanNormal() throws Exception {
        Path file = dir.resolve("priority.json");
        try (GoRuntime rt = builder("trace-prio", 1).build()) {
            rt.startTrace(file);
            GoHandle critical = rt.go(Priority.CRITICAL, () -> { });
            GoHandle normal = rt.go(() -> { });
            assertTrue(critical.join(Duration.ofSeconds(10)) && normal.join(Duration.ofSeconds(10)));
            TestSupport.awaitCondition(() -> rt.goroutines() == 0, Duration.ofSeconds(5), () -> "goroutines to end");
            rt.stopTrace();
            assertEquals(2, Trace.check(file, true).count("GoCreate"));
            String json = Files.readString(file, StandardCharsets.UTF_8);
            assertTrue(json.contains("\"g\":" + critical.id() + ",\"parent\":0,\"priority\":\"CRITICAL\"}"), json);
            assertEquals(1, json.split("\"priority\":", -1).length - 1, "only the CRITICAL goroutine has a class arg");
        }
    }

    /** A GoCreate names the goroutine's tenant unless it is the default one. */
    @Test
    void goCreateCarriesATenantOtherThanTheDefault() throws Exception {
        Path file = dir.resolve("tenant.json");
        try (GoRuntime rt = builder("trace-tenant", 1).build()) {
            Tenant t = rt.tenant("billing", 100);
            rt.startTrace(file);
            GoHandle inTenant = t.go(Priority.HIGH, () -> { });
            GoHandle outside = rt.go(() -> { });
            assertTrue(inTenant.join(Duration.ofSeconds(10)) && outside.join(Duration.ofSeconds(10)));
            TestSupport.awaitCondition(() -> rt.goroutines() == 0, Duration.ofSeconds(5), () -> "goroutines to end");
            rt.stopTrace();
            assertEquals(2, Trace.check(file, true).count("GoCreate"));
            String json = Files.readString(file, StandardCharsets.UTF_8);
            assertTrue(json.contains("\"g\":" + inTenant.id() + ",\"parent\":0,\"priority\":\"HIGH\",\"tenant\":\"billing\"}"), json);
            assertEquals(1, json.split("\"tenant\":", -1).length - 1, "only the tenant's goroutine has a tenant arg");
        }
    }

    // ---- checking a trace file ----

    /** What {@link #check} found in a trace file. */
    static final class Trace {
        final Map<String, Integer> counts = new HashMap<>();
        final Map<String, Integer> mEnds = new HashMap<>();
        Map<String, Object> otherData;
        int flows, pSlices, mSlices;

        int count(String name) {
            return counts.getOrDefault(name, 0);
        }

        /** Runs on M tracks that ended {@code how} ("end", "block", "yield"). */
        int slicesEnded(String how) {
            return mEnds.getOrDefault(how, 0);
        }

        /**
         * Parses {@code file} and checks the format and the invariants; fails the test with
         * what is wrong. {@code complete}: nothing was dropped, so every run must be closed by
         * the event that ended it (not cut at the next run or at the end of the trace).
         */
        @SuppressWarnings("unchecked")
        static Trace check(Path file, boolean complete) throws Exception {
            Object root = new Json(Files.readString(file, StandardCharsets.UTF_8)).parse();
            Map<String, Object> top = (Map<String, Object>) root;
            List<Object> events = (List<Object>) top.get("traceEvents");
            // ts is in µs; a "displayTimeUnit" made a 2021 Perfetto UI take it for ns (checked in a browser).
            assertFalse(top.containsKey("displayTimeUnit"), "top-level keys: " + top.keySet());
            Trace t = new Trace();
            t.otherData = (Map<String, Object>) top.get("otherData");
            Map<Long, String> trackNames = new HashMap<>();
            boolean process = false;
            Set<Long> tids = new HashSet<>();
            Map<Long, List<double[]>> slicesByTid = new HashMap<>();
            Map<Long, Double> flowStart = new HashMap<>(), flowFinish = new HashMap<>();
            for (Object o : events) {
                Map<String, Object> e = (Map<String, Object>) o;
                String ph = (String) e.get("ph");
                assertEquals(1L, num(e, "pid"), () -> "pid of " + e);
                long tid = (long) num(e, "tid");
                String name = (String) e.get("name");
                switch (ph) {
                    case "M" -> {
                        if (name.equals("process_name")) {
                            process = true;
                        } else if (name.equals("thread_name")) {
                            trackNames.put(tid, (String) ((Map<String, Object>) e.get("args")).get("name"));
                        }
                        continue;
                    }
                    case "X" -> {
                        double ts = num(e, "ts"), dur = num(e, "dur");
                        assertTrue(ts >= 0 && dur >= 0, () -> "negative time in " + e);
                        String how = (String) ((Map<String, Object>) e.get("args")).get("end");
                        if (tid >= 1000) {
                            t.mSlices++;
                            t.mEnds.merge(how, 1, Integer::sum);
                            assertTrue(!complete || Set.of("end", "block", "yield").contains(how), () -> "run not closed by its end: " + e);
                        } else {
                            t.pSlices++;
                            assertTrue(!complete || Set.of("end", "block", "yield", "handoff").contains(how),
                                    () -> "run not closed by its end: " + e);
                        }
                        slicesByTid.computeIfAbsent(tid, k -> new ArrayList<>()).add(new double[] {ts, dur});
                    }
                    case "i" -> {
                        assertTrue(num(e, "ts") >= 0, () -> "negative time in " + e);
                        t.counts.merge(name, 1, Integer::sum);
                    }
                    case "s" -> assertEquals(null, flowStart.put((long) num(e, "id"), num(e, "ts")), () -> "flow start twice: " + e);
                    case "f" -> {
                        assertEquals("e", e.get("bp"), () -> "flow end binds to its enclosing slice: " + e);
                        assertEquals(null, flowFinish.put((long) num(e, "id"), num(e, "ts")), () -> "flow end twice: " + e);
                    }
                    default -> fail("unexpected phase " + ph + " in " + e);
                }
                tids.add(tid);
            }
            assertTrue(process, "no process_name metadata");
            for (long tid : tids) {
                assertTrue(trackNames.containsKey(tid), () -> "track " + tid + " has no thread_name");
                String expected = tid < 999 ? "P" + tid : tid == 999 ? "other threads" : "M" + (tid - 1000);
                assertTrue(trackNames.get(tid).startsWith(expected), () -> "track " + tid + " named " + trackNames.get(tid));
            }
            for (Map.Entry<Long, List<double[]>> track : slicesByTid.entrySet()) {
                List<double[]> s = track.getValue();
                s.sort(Comparator.comparingDouble(x -> x[0]));
                for (int i = 1; i < s.size(); i++) {
                    double prevEnd = s.get(i - 1)[0] + s.get(i - 1)[1], start = s.get(i)[0];
                    int at = i;
                    assertTrue(prevEnd <= start + 1e-6, () -> "runs overlap on track " + track.getKey() + " at "
                            + s.get(at - 1)[0] + "+" + s.get(at - 1)[1] + " and " + s.get(at)[0]);
                }
            }
            assertEquals(flowStart.keySet(), flowFinish.keySet(), "flow starts and ends pair up by id");
            for (Map.Entry<Long, Double> f : flowStart.entrySet()) {
                assertTrue(f.getValue() <= flowFinish.get(f.getKey()), () -> "flow " + f.getKey() + " ends before it starts");
            }
            t.flows = flowStart.size();
            return t;
        }

        private static double num(Map<String, Object> e, String key) {
            Object v = e.get(key);
            if (!(v instanceof Number n)) {
                throw new AssertionError("no number \"" + key + "\" in " + e);
            }
            return n.doubleValue();
        }
    }

    /** A minimal recursive-descent JSON reader: objects, arrays, strings, numbers, literals. */
    static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Object parse() {
            Object v = value();
            ws();
            if (i != s.length()) {
                throw error("trailing characters");
            }
            return v;
        }

        private Object value() {
            ws();
            if (i >= s.length()) {
                throw error("unexpected end");
            }
            char c = s.charAt(i);
            return switch (c) {
                case '{' -> object();
                case '[' -> array();
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> number();
            };
        }

        private Map<String, Object> object() {
            Map<String, Object> m = new LinkedHashMap<>();
            i++;
            ws();
            if (peek() == '}') {
                i++;
                return m;
            }
            for (;;) {
                ws();
                String k = string();
                ws();
                expect(':');
                m.put(k, value());
                ws();
                if (peek() == ',') {
                    i++;
                } else {
                    expect('}');
                    return m;
                }
            }
        }

        private List<Object> array() {
            List<Object> a = new ArrayList<>();
            i++;
            ws();
            if (peek() == ']') {
                i++;
                return a;
            }
            for (;;) {
                a.add(value());
                ws();
                if (peek() == ',') {
                    i++;
                } else {
                    expect(']');
                    return a;
                }
            }
        }

        private String string() {
            expect('"');
            StringBuilder sb = new StringBuilder();
            for (;;) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return sb.toString();
                }
                if (c < 0x20) {
                    throw error("raw control character in string");
                }
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                char e = s.charAt(i++);
                switch (e) {
                    case '"', '\\', '/' -> sb.append(e);
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'u' -> {
                        sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> throw error("bad escape \\" + e);
                }
            }
        }

        private Number number() {
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            String n = s.substring(start, i);
            if (n.isEmpty()) {
                throw error("unexpected character '" + s.charAt(i) + "'");
            }
            if (n.indexOf('.') < 0 && n.indexOf('e') < 0 && n.indexOf('E') < 0) {
                return Long.parseLong(n);
            }
            return Double.parseDouble(n);
        }

        private Object literal(String word, Object v) {
            if (!s.startsWith(word, i)) {
                throw error("bad literal");
            }
            i += word.length();
            return v;
        }

        private char peek() {
            if (i >= s.length()) {
                throw error("unexpected end");
            }
            return s.charAt(i);
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            i++;
        }

        private void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private AssertionError error(String what) {
            int from = Math.max(0, i - 40), to = Math.min(s.length(), i + 40);
            return new AssertionError("invalid JSON at " + i + ": " + what + " near «" + s.substring(from, to) + "»");
        }
    }
}
