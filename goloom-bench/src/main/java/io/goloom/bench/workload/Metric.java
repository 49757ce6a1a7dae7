package io.goloom.bench.workload;

/**
 * One row of the comparison table.
 *
 * @param name   what is measured, e.g. {@code "round trip"}; also the key a Go program prints
 * @param unit   the unit of every column's value, e.g. {@code "ns"}
 * @param target what the goloom/JDK ratio must meet, or {@link Target#NONE}
 */
public record Metric(String name, String unit, Target target) {

    /** A metric reported for information, with no target. */
    public static Metric of(String name, String unit) {
        return new Metric(name, unit, Target.NONE);
    }
}
