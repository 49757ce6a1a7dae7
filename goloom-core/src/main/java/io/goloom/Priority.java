package io.goloom;

/**
 * A goroutine's priority class, fixed when it is created. A goroutine started without one
 * takes its creator's (a goroutine of the same runtime), else {@link #NORMAL}; a thread a
 * goroutine starts with the JDK's own API ({@code Thread.ofVirtual()}) takes its creator's too.
 *
 * <pre>{@code
 * rt.go(Priority.CRITICAL, () -> heartbeat());              // runs ahead of the request goroutines
 * ThreadFactory batch = rt.threadFactory(Priority.BULK);   // for a batch job's executor
 * }</pre>
 *
 * <h2>What a class gets</h2>
 * <ul>
 *   <li>A runnable {@link #CRITICAL} goroutine runs at the next schedule point of any P, ahead
 *       of every other class; {@link #HIGH} next. When no P is idle, the one that readies it
 *       asks a P running a lower class to yield at its next {@link Go#checkpoint()} (or park),
 *       and sysmon asks again each round while it waits. A goroutine that never checkpoints or
 *       parks cannot be made to yield; sysmon hands its P off after {@code retakeAfter}.
 *   <li>{@link #NORMAL} is Go's scheduler: runnext, the P's local queue, stealing.
 *   <li>A {@link #BULK} goroutine runs when nothing else is runnable, and in the bulk lane's
 *       turn: at least once per bulk turn (50 ms by default,
 *       {@link SchedulingPolicy.FairPolicy#bulkTurn()} under the fair policy) one P serves the
 *       lane for a slice (1 ms by default, the fair policy's slice under it). Picked with nothing
 *       else to run, it yields as soon as other work waits (within a sysmon round, 250 us while
 *       bulk work exists), under every policy.
 * </ul>
 *
 * <h2>Lower classes do not starve</h2>
 * <ul>
 *   <li>Each P, after {@value #URGENT_TURNS} picks in a row from the CRITICAL and HIGH classes,
 *       looks at the lower classes first for one pick; likewise HIGH gets one pick after
 *       {@value #URGENT_TURNS} CRITICAL ones in a row.
 *   <li>A CRITICAL or HIGH run yields after a slice (the fair policy's, or 1 ms; to a sysmon
 *       round) while other work waits.
 * </ul>
 * So while urgent goroutines saturate the Ps, a waiting NORMAL goroutine gets a pick within
 * {@value #URGENT_TURNS} urgent runs of at most about a slice each, and BULK its turns.
 * {@code PriorityTest} holds these shares: with every class always runnable on one P, NORMAL
 * gets one pick per {@value #URGENT_TURNS} urgent ones, HIGH one in {@value #URGENT_TURNS} + 1
 * of the urgent picks.
 *
 * <h2>What it costs</h2>
 * CRITICAL, HIGH and BULK goroutines wait in runtime-wide queues (the global queue's lanes), not
 * in a P's local queue. Every P looks at the CRITICAL and HIGH lanes first, so an urgent
 * goroutine runs on the first P that reaches a schedule point, and there is nothing to steal;
 * the bulk lane it looks at last. Readying one takes the scheduler's lock, as a ready from
 * outside the runtime does. Use them for the few goroutines
 * whose latency matters most (control messages, heartbeats), or that should only soak up spare
 * CPU; keep the bulk of the message passing NORMAL.
 */
public enum Priority {
    /** Ahead of every other class: control messages, heartbeats, lease renewals. */
    CRITICAL,
    /** Ahead of NORMAL and BULK. */
    HIGH,
    /** Go's scheduling, the default. */
    NORMAL,
    /** Only spare CPU, with a bounded wait: batch jobs, analytics, re-encoding. */
    BULK;

    /** Urgent picks in a row a P makes before a lower class gets one (see "Lower classes do not starve"). */
    public static final int URGENT_TURNS = 8;
}
