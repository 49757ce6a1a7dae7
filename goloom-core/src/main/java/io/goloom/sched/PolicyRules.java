package io.goloom.sched;

import io.goloom.SchedulingPolicy;

/**
 * What the scheduler does differently under a {@link SchedulingPolicy}, worked out once per
 * policy: the one place that knows the public policies' types. The scheduler holds the rules in
 * force in one volatile field ({@link Scheduler#rules}), which {@code setPolicy} replaces whole,
 * and each decision reads it once, so a decision is made under one policy or the other.
 *
 * <table>
 *   <caption>The rules of each policy</caption>
 *   <tr><th>rule</th><th>{@code go()}</th><th>{@code fair(slice, bulkTurn)}</th></tr>
 *   <tr><td>{@link #preemptedToBulk}: a preempted NORMAL goroutine goes to</td>
 *       <td>the normal lane's tail, looked at first</td><td>the bulk lane</td></tr>
 *   <tr><td>{@link #readyPreemptsBulk}: a NORMAL ready with no idle P makes a bulk pick yield</td>
 *       <td>no (sysmon does, each round)</td><td>yes</td></tr>
 *   <tr><td>{@link #contendedSliceNanos}: any run yields after it while others wait</td>
 *       <td>never ({@code Long.MAX_VALUE})</td><td>{@code slice}</td></tr>
 *   <tr><td>{@link #sliceNanos}: a bulk turn's length, an urgent run's slice, sysmon's short
 *       rounds (a quarter of it) while bulk work exists</td><td>1 ms (fair's default)</td>
 *       <td>{@code slice}</td></tr>
 *   <tr><td>{@link #bulkTurnNanos}: the longest the bulk lane waits for a turn</td>
 *       <td>50 ms (fair's default), for what BULK goroutines or a swap put there</td>
 *       <td>{@code bulkTurn}</td></tr>
 * </table>
 * Stealing and everything else are Go's under both.
 *
 * @param policy              the public policy these rules are for
 * @param preemptedToBulk     whether a NORMAL goroutine preempted at a checkpoint yields to the bulk lane
 * @param readyPreemptsBulk   whether a NORMAL goroutine readied while no P is idle asks a bulk pick to yield
 * @param contendedSliceNanos how long any run may go on while others wait for its P
 * @param sliceNanos          the slice where the policy needs one whatever it is (see the table)
 * @param bulkTurnNanos       the longest the bulk lane waits for a turn while it has goroutines
 */
record PolicyRules(SchedulingPolicy policy, boolean preemptedToBulk, boolean readyPreemptsBulk,
                   long contendedSliceNanos, long sliceNanos, long bulkTurnNanos) {

    /** Go's policy's rules. */
    static final PolicyRules GO = of(SchedulingPolicy.go());

    /** The rules of {@code policy}. */
    static PolicyRules of(SchedulingPolicy policy) {
        return switch (policy) {
            case SchedulingPolicy.GoPolicy go -> new PolicyRules(go, false, false, Long.MAX_VALUE,
                    SchedulingPolicy.FairPolicy.DEFAULT_SLICE.toNanos(), SchedulingPolicy.FairPolicy.DEFAULT_BULK_TURN.toNanos());
            case SchedulingPolicy.FairPolicy fair -> new PolicyRules(fair, true, true, fair.sliceNanos(),
                    fair.sliceNanos(), fair.bulkTurnNanos());
        };
    }
}
