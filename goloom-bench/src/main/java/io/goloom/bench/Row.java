package io.goloom.bench;

import io.goloom.bench.workload.Metric;
import io.goloom.bench.workload.Target;

/**
 * One line of the comparison table: a metric's medians on each side and what they mean.
 *
 * @param workload the workload's name
 * @param metric   what was measured, its unit and target
 * @param goloom   median over goloom's measured rounds; null if none completed
 * @param jdk      median over the JDK scheduler's measured rounds; null if none completed or the
 *                 workload does not use a scheduler
 * @param go       the Go program's median; null without Go or a Go program for this row
 * @param failure  why the workload did not complete, e.g. {@code "goloom: timeout after 60 s"};
 *                 null if it did
 * @param versus   for a target {@linkplain Target#acrossRows() across rows}, what goloom's value
 *                 is divided by (another metric's JDK median, or the fastest other cell); else null
 */
public record Row(String workload, Metric metric, Double goloom, Double jdk, Double go, String failure,
                  Double versus) {

    /** A row whose target, if any, is judged on the row alone. */
    public Row(String workload, Metric metric, Double goloom, Double jdk, Double go, String failure) {
        this(workload, metric, goloom, jdk, go, failure, null);
    }

    /** goloom / JDK of the medians; null unless both exist and the metric has a ratio. */
    public Double ratio() {
        return goloom == null || jdk == null || !metric.hasRatio() ? null : goloom / jdk;
    }

    /** PASS or MISS against the target, "-" without one, FAILED (why) if the workload failed. */
    public String verdict() {
        if (failure != null) {
            return "FAILED (" + failure + ")";
        }
        Target target = metric.target();
        Double judged = switch (target.kind()) {
            case ABSOLUTE -> goloom;
            case RATIO -> ratio();
            case VERSUS_JDK, FASTEST -> goloom == null || versus == null ? null : goloom / versus;
        };
        if (judged == null || !target.exists()) {
            return "-";
        }
        return target.metBy(judged) ? "PASS" : "MISS";
    }

    /** True if the workload behind this row failed. */
    public boolean failed() {
        return failure != null;
    }
}
