package io.goloom.bench.workload;

/**
 * The bound a goloom/JDK ratio must meet: at most {@code bound} for costs (ns, latency), at
 * least {@code bound} for rates (spawns/s).
 *
 * @param atLeast true when higher is better
 * @param bound   the ratio's limit; NaN for {@link #NONE}
 */
public record Target(boolean atLeast, double bound) {

    /** No target: the row is informational. */
    public static final Target NONE = new Target(false, Double.NaN);

    /** The ratio must be {@code <= bound}. */
    public static Target atMost(double bound) {
        return new Target(false, bound);
    }

    /** The ratio must be {@code >= bound}. */
    public static Target atLeast(double bound) {
        return new Target(true, bound);
    }

    /** False for {@link #NONE}. */
    public boolean exists() {
        return !Double.isNaN(bound);
    }

    /** Whether {@code ratio} meets this target; false for {@link #NONE}. */
    public boolean metBy(double ratio) {
        return exists() && (atLeast ? ratio >= bound : ratio <= bound);
    }

    @Override
    public String toString() {
        return exists() ? (atLeast ? ">= " : "<= ") + bound : "-";
    }
}
