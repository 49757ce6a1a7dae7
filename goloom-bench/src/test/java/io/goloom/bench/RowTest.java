package io.goloom.bench;

import io.goloom.bench.workload.Metric;
import io.goloom.bench.workload.Target;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Verdicts of targets judged on the row alone and across rows. */
class RowTest {

    @Test
    void aRatioTargetJudgesGoloomOverItsOwnJdkCell() {
        Metric m = new Metric("round trip", "ns", Target.atMost(0.6));
        assertEquals("PASS", new Row("w", m, 50.0, 100.0, null, null).verdict());
        assertEquals("MISS", new Row("w", m, 70.0, 100.0, null, null).verdict());
    }

    @Test
    void aCrossRowTargetJudgesGoloomOverTheOtherCellNotItsOwnJdkCell() {
        Metric m = new Metric("Chan per item", "ns", Target.atMostOfJdk(0.5, "ABQ per item"));
        // Own ratio 0.2 would pass a ratio target; against the other row's 60 ns it is 0.67.
        Row row = new Row("w", m, 40.0, 200.0, null, null, 60.0);
        assertEquals(0.2, row.ratio(), 1e-9);
        assertEquals("MISS", row.verdict());
        assertEquals("PASS", new Row("w", m, 29.0, 20.0, null, null, 60.0).verdict());
        assertEquals("<= 0.5 x ABQ per item@jdk", m.target().toString());
    }

    @Test
    void fastestPassesOnlyWhenNoOtherCellIsLower() {
        Metric m = new Metric("Chan round trip", "ns", Target.fastest());
        assertEquals("PASS", new Row("w", m, 400.0, 900.0, null, null, 401.0).verdict());
        assertEquals("PASS", new Row("w", m, 400.0, 900.0, null, null, 400.0).verdict());
        assertEquals("MISS", new Row("w", m, 400.0, 900.0, null, null, 270.0).verdict());
        assertEquals("-", new Row("w", m, 400.0, 900.0, null, null, null).verdict());
    }

    @Test
    void aFailedWorkloadIsFailedWhateverItsTarget() {
        Metric m = new Metric("Chan round trip", "ns", Target.fastest());
        assertEquals("FAILED (goloom: timeout after 60 s)",
                new Row("w", m, null, 900.0, null, "goloom: timeout after 60 s", 270.0).verdict());
    }
}
