package io.goloom.bench.workload;

/**
 * The bound a metric's goloom value must meet, and what that value is first divided by:
 * <ul>
 *   <li>{@link Kind#RATIO}: the goloom/JDK ratio of the row itself, at most {@code bound} for
 *       costs (ns, latency), at least {@code bound} for rates (spawns/s);</li>
 *   <li>{@link Kind#ABSOLUTE}: nothing, goloom's own value meets the bound (where the JDK's value
 *       is no yardstick, e.g. it starves);</li>
 *   <li>{@link Kind#VERSUS_JDK}: the JDK median of another metric of the same workload
 *       ({@code versus}), e.g. goloom's channel against {@code ArrayBlockingQueue} on the JDK;</li>
 *   <li>{@link Kind#FASTEST}: the lowest other value of the workload, every row's goloom and JDK
 *       cell (Go's excluded): "this cell is the fastest".</li>
 * </ul>
 * The table's goloom/jdk column stays the row's own ratio whatever the kind.
 *
 * @param kind    what goloom's value is divided by
 * @param atLeast true when higher is better
 * @param bound   the limit; NaN for {@link #NONE}
 * @param versus  the other metric's name for {@link Kind#VERSUS_JDK}, else null
 */
public record Target(Kind kind, boolean atLeast, double bound, String versus) {

    /** What goloom's value is divided by before it meets the bound. */
    public enum Kind { RATIO, ABSOLUTE, VERSUS_JDK, FASTEST }

    /** No target: the row is informational. */
    public static final Target NONE = new Target(Kind.RATIO, false, Double.NaN, null);

    /** The ratio must be {@code <= bound}. */
    public static Target atMost(double bound) {
        return new Target(Kind.RATIO, false, bound, null);
    }

    /** The ratio must be {@code >= bound}. */
    public static Target atLeast(double bound) {
        return new Target(Kind.RATIO, true, bound, null);
    }

    /** goloom's value itself must be {@code <= bound}, in the metric's unit. */
    public static Target valueAtMost(double bound) {
        return new Target(Kind.ABSOLUTE, false, bound, null);
    }

    /** goloom's value itself must be {@code >= bound}, in the metric's unit. */
    public static Target valueAtLeast(double bound) {
        return new Target(Kind.ABSOLUTE, true, bound, null);
    }

    /** goloom's value must be {@code <= bound} times the JDK median of {@code metric} (same workload). */
    public static Target atMostOfJdk(double bound, String metric) {
        return new Target(Kind.VERSUS_JDK, false, bound, metric);
    }

    /** goloom's value (a cost) must be the lowest of the workload's Java cells. */
    public static Target fastest() {
        return new Target(Kind.FASTEST, false, 1.0, null);
    }

    /** True when {@code bound} applies to goloom's value itself. */
    public boolean absolute() {
        return kind == Kind.ABSOLUTE;
    }

    /** True when the value judged comes from other rows of the workload. */
    public boolean acrossRows() {
        return kind == Kind.VERSUS_JDK || kind == Kind.FASTEST;
    }

    /** False for {@link #NONE}. */
    public boolean exists() {
        return !Double.isNaN(bound);
    }

    /** Whether {@code judged} (a ratio, or goloom's value for an absolute target) meets this target; false for {@link #NONE}. */
    public boolean metBy(double judged) {
        return exists() && (atLeast ? judged >= bound : judged <= bound);
    }

    @Override
    public String toString() {
        if (!exists()) {
            return "-";
        }
        String op = atLeast ? ">= " : "<= ";
        return switch (kind) {
            case RATIO -> op + bound;
            case ABSOLUTE -> "goloom " + op + (bound == Math.rint(bound) ? Long.toString((long) bound) : Double.toString(bound));
            case VERSUS_JDK -> op + bound + " x " + versus + "@jdk";
            case FASTEST -> "fastest";
        };
    }
}
