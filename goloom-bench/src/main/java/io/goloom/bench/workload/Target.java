package io.goloom.bench.workload;

/**
 * The bound a goloom/JDK ratio must meet: at most {@code bound} for costs (ns, latency), at
 * least {@code bound} for rates (spawns/s); or, for an {@code absolute} target, the bound
 * goloom's own value must meet (where the JDK's value is no yardstick, e.g. it starves).
 *
 * @param atLeast  true when higher is better
 * @param bound    the limit; NaN for {@link #NONE}
 * @param absolute true when {@code bound} applies to goloom's value, not to the ratio
 */
public record Target(boolean atLeast, double bound, boolean absolute) {

    /** No target: the row is informational. */
    public static final Target NONE = new Target(false, Double.NaN, false);

    /** The ratio must be {@code <= bound}. */
    public static Target atMost(double bound) {
        return new Target(false, bound, false);
    }

    /** The ratio must be {@code >= bound}. */
    public static Target atLeast(double bound) {
        return new Target(true, bound, false);
    }

    /** goloom's value itself must be {@code <= bound}, in the metric's unit. */
    public static Target valueAtMost(double bound) {
        return new Target(false, bound, true);
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
        if (!exists()) {
            return "-";
        }
        String op = atLeast ? ">= " : "<= ";
        if (!absolute) {
            return op + bound;
        }
        return "goloom " + op + (bound == Math.rint(bound) ? Long.toString((long) bound) : Double.toString(bound));
    }
}
