package io.goloom.bench;

import io.goloom.bench.side.GoloomSide;
import io.goloom.bench.side.Side;
import io.goloom.bench.workload.QueuePingPong;
import io.goloom.bench.workload.Monitors;
import io.goloom.bench.workload.Round;
import io.goloom.bench.workload.Skynet;
import io.goloom.bench.workload.Sleepers;
import io.goloom.bench.workload.Startup;
import io.goloom.bench.workload.TimedGet;
import io.goloom.bench.workload.Workload;
import io.goloom.bench.workload.Workloads;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rows of issue 14 (skynet, ltq-pingpong, timed-get, sleepers, monitors, startup), each run
 * once at a tiny size on both sides through {@link Compare}, the harness {@code ./goloom bench}
 * runs them with; each checks its own result (skynet's sum, the monitors' counters) and fails
 * the row when it is wrong.
 */
class NewRowsTest {

    private static final Compare.Plan ONE_ROUND = new Compare.Plan(0, 1, Duration.ofSeconds(30), 2);

    /** Runs {@code w} once per side without a Go column; returns its rows, none failed, every cell positive. */
    private static List<Row> runOnBothSides(Workload w) throws InterruptedException {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        List<Row> rows = new Compare(ONE_ROUND, Optional.empty(), new PrintStream(log, true)).run(List.of(w));
        assertEquals(w.metrics().size(), rows.size());
        for (Row r : rows) {
            assertFalse(r.failed(), () -> w.name() + " failed: " + r.failure() + "\n" + log);
            for (Double v : new Double[] {r.goloom(), r.jdk()}) {
                assertNotNull(v, () -> w.name() + "/" + r.metric().name() + " has an empty cell");
                assertTrue(v > 0 && Double.isFinite(v), () -> w.name() + "/" + r.metric().name() + " = " + v);
            }
        }
        return rows;
    }

    @Test
    void everyNewRowIsInTheFullAndTheQuickRun() {
        for (boolean quick : new boolean[] {false, true}) {
            List<String> names = Workloads.all(quick).stream().map(Workload::name).toList();
            assertTrue(names.containsAll(List.of("skynet", "ltq-pingpong", "timed-get", "sleepers", "monitors",
                    "startup")), names::toString);
        }
    }

    @Test
    void skynetSumsItsTreeOnBothSides() throws Exception {
        runOnBothSides(new Skynet(10_000));
    }

    @Test
    void skynetsThreadsAreGoroutinesOfTheGoloomSide() throws Exception {
        try (Side side = Side.open(Side.GOLOOM, 2)) {
            GoloomSide goloom = (GoloomSide) side;
            long before = goloom.runtime().goroutinesCreated();
            new Skynet(1_000).run(new Round(side, Duration.ofSeconds(30)));
            // The tree's 1,111 nodes (plain Thread.ofVirtual(), adopted), plus the round's goroutine.
            assertEquals(1_112, goloom.runtime().goroutinesCreated() - before);
        }
    }

    @Test
    void skynetTakesOnlyPowersOfTen() {
        assertThrows(IllegalArgumentException.class, () -> new Skynet(1_500));
    }

    @Test
    void ltqPingPongRunsOnBothSides() throws Exception {
        runOnBothSides(new QueuePingPong(QueuePingPong.Kind.LINKED_TRANSFER_QUEUE, 2_000));
    }

    @Test
    void timedGetRunsOnBothSides() throws Exception {
        runOnBothSides(new TimedGet(2_000));
    }

    @Test
    void sleepersReportLatenessAndWakeUps() throws Exception {
        List<Row> rows = runOnBothSides(new Sleepers(2_000, Duration.ofMillis(200)));
        assertEquals(List.of("lateness p50", "lateness p99", "lateness p999", "wake-ups"),
                rows.stream().map(r -> r.metric().name()).toList());
        // 2,000 sleepers over 200 ms wake at least once each.
        assertTrue(rows.get(3).goloom() * 0.2 >= 2_000, rows.get(3)::toString);
        assertTrue(rows.get(3).jdk() * 0.2 >= 2_000, rows.get(3)::toString);
    }

    @Test
    void monitorsCountEveryAcquisitionOnBothSides() throws Exception {
        runOnBothSides(new Monitors(20, 40_000));
    }

    @Test
    void monitorsRejectASizeThatDoesNotDivide() {
        assertThrows(IllegalArgumentException.class, () -> new Monitors(3, 100));
    }

    @Test
    void startupMeasuresAFreshJvmPerSide() throws Exception {
        List<Row> rows = runOnBothSides(new Startup(1));
        Row build = rows.get(0), first = rows.get(1);
        assertEquals("build-ms", build.metric().name());
        assertEquals("first-goroutine-ms", first.metric().name());
        // The first goroutine's time includes the build.
        assertTrue(first.goloom() >= build.goloom(), first + " vs " + build);
        assertTrue(first.jdk() >= build.jdk(), first + " vs " + build);
    }
}
