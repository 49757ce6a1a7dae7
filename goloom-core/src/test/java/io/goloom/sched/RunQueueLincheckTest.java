package io.goloom.sched;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Lincheck model checking of {@link RunQueue}: the owner's offer/poll/takeHalf run on one
 * thread (a non-parallel group) while steals run on two others, each into a fresh empty queue
 * of its own; in every interleaving explored, every element offered is taken exactly once, and
 * every take (poll, takeHalf batch, steal, drain) is a contiguous run of the offered sequence
 * in FIFO order.
 *
 * <p>Why not plain linearizability: a steal takes half of the size it read <em>before</em> its
 * CAS (Go's {@code runqgrab} does the same), so with an offer in between it takes fewer than
 * half of the size at its linearization point; Lincheck finds exactly that (e.g. owner offers
 * 6, 6, then 4 during a steal that takes only the first 6). The operations therefore return
 * nothing, and {@link #validate()} checks the safety properties that do hold.
 *
 * <p>Lincheck runs in this JVM: its agent is loaded dynamically (a JVM warning) and stays loaded.
 */
public class RunQueueLincheckTest {

    private static final int CAPACITY = 4;

    private final RunQueue<Integer> queue = new RunQueue<>(CAPACITY);
    /** Owner only: the next value to offer; values offered successfully are 0, 1, 2, ... */
    private int next;
    /** Every take, as the list of elements it got, in the order it got them. */
    private final ConcurrentLinkedQueue<List<Integer>> takes = new ConcurrentLinkedQueue<>();

    /** Owner: append the next value at the tail (the value is only used if accepted). */
    @Operation(nonParallelGroup = "owner")
    public void offer() {
        if (queue.offer(next)) {
            next++;
        }
    }

    /** Owner: take the head. */
    @Operation(nonParallelGroup = "owner")
    public void poll() {
        Integer e = queue.poll();
        if (e != null) {
            takes.add(List.of(e));
        }
    }

    /** Owner: overflow, the oldest half when full. */
    @Operation(nonParallelGroup = "owner")
    public void takeHalf() {
        Integer[] batch = new Integer[CAPACITY / 2 + 1];
        int n = queue.takeHalf(batch);
        if (n != 0 && n != CAPACITY / 2) {
            throw new IllegalStateException("takeHalf moved " + n);
        }
        if (n > 0) {
            takes.add(List.of(batch).subList(0, n));
        }
    }

    /** Owner: the size is within bounds. */
    @Operation(nonParallelGroup = "owner")
    public void size() {
        int n = queue.size();
        if (n < 0 || n > CAPACITY) {
            throw new IllegalStateException("size " + n);
        }
    }

    /** Thief: steal half into a fresh queue; the stolen elements in FIFO order, the returned one last. */
    @Operation
    public void steal() {
        RunQueue<Integer> mine = new RunQueue<>(CAPACITY);
        Integer got = mine.stealHalf(queue);
        List<Integer> out = new ArrayList<>();
        for (Integer e; (e = mine.poll()) != null; ) {
            out.add(e);
        }
        if (got != null) {
            out.add(got);
            takes.add(out);
        } else if (!out.isEmpty()) {
            throw new IllegalStateException("stealHalf returned null but queued " + out);
        }
    }

    /** Owner: take everything left, oldest first (so that later validations see the whole history). */
    @Operation(nonParallelGroup = "owner")
    public void drain() {
        List<Integer> rest = new ArrayList<>();
        for (Integer e; (e = queue.poll()) != null; ) {
            rest.add(e);
        }
        if (!rest.isEmpty()) {
            takes.add(rest);
        }
    }

    /**
     * Lincheck calls this after every actor outside the parallel part and at the end, so it must
     * not change the queue: no value taken twice or never offered, every take a contiguous FIFO
     * run, and taken + still queued = offered (nothing lost).
     */
    @Validate
    public void validate() {
        List<List<Integer>> all = new ArrayList<>(takes);
        int[] seen = new int[next];
        int taken = 0;
        for (List<Integer> run : all) {
            for (int i = 0; i < run.size(); i++) {
                int v = run.get(i);
                if (v < 0 || v >= next) {
                    throw new IllegalStateException("took " + v + " which was never offered; takes " + all);
                }
                if (i > 0 && v != run.get(i - 1) + 1) {
                    throw new IllegalStateException("take " + run + " is not a contiguous FIFO run; takes " + all);
                }
                if (++seen[v] > 1) {
                    throw new IllegalStateException(v + " taken twice; takes " + all);
                }
                taken++;
            }
        }
        int queued = queue.size();
        if (taken + queued != next) {
            throw new IllegalStateException(next + " offered but " + taken + " taken and " + queued
                    + " still queued; takes " + all);
        }
    }

    /** Explores interleavings of 1 owner and 2 thieves (about 15 s here; 40 s on a loaded machine). */
    @Test
    @Timeout(180)
    void modelChecking() {
        new ModelCheckingOptions()
                .iterations(12)
                .invocationsPerIteration(1_000)
                .threads(3)
                .actorsPerThread(3)
                .actorsBefore(4)
                .actorsAfter(1)
                .check(RunQueueLincheckTest.class);
    }
}
