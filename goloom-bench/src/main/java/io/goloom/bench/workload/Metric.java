package io.goloom.bench.workload;

/**
 * One row of the comparison table.
 *
 * @param name     what is measured, e.g. {@code "round trip"}; also the key a Go program prints
 * @param unit     the unit of every column's value, e.g. {@code "ns"}
 * @param target   what the goloom/JDK ratio must meet, or {@link Target#NONE}
 * @param hasRatio false when a goloom/JDK ratio means nothing, for a value that should be about
 *                 zero on both sides (a growth over a soak)
 */
public record Metric(String name, String unit, Target target, boolean hasRatio) {

    /** A metric compared as a goloom/JDK ratio against {@code target}. */
    public Metric(String name, String unit, Target target) {
        this(name, unit, target, true);
    }

    /** A metric reported for information, with no target. */
    public static Metric of(String name, String unit) {
        return new Metric(name, unit, Target.NONE);
    }

    /** A metric whose values are read on their own: no ratio, no target. */
    public static Metric absolute(String name, String unit) {
        return new Metric(name, unit, Target.NONE, false);
    }
}
