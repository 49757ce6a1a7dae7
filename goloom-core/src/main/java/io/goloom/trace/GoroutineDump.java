package io.goloom.trace;

import io.goloom.GoHandle;
import io.goloom.GoroutineState;
import io.goloom.Priority;
import io.goloom.WaitReason;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A goroutine dump, like pprof's goroutine profile with {@code debug=1}: the live goroutines
 * grouped by state and identical stack, the biggest group first, each with its count, its
 * wait reason (the {@link WaitReason} that the trace and scheddetail print too, and the call
 * it waits in), the range of how long its members have waited, its stack, and its members
 * (id, name, wait, creator, the priority class unless it is NORMAL, and the tenant unless it is
 * the default one; the first
 * {@value #LISTED_PER_GROUP}, then the other ids).
 *
 * <pre>
 * goroutine dump of runtime "demo": 1003 goroutines in 3 groups
 *
 * 1000 goroutines waiting [sync] in CountDownLatch.await for 4.1 s to 4.3 s
 * 	java.base/jdk.internal.misc.Unsafe.park(Native Method)
 * 	...
 * 	goroutine 17 "worker-17" waiting 4.3 s, created by goroutine 1
 * 	...and 990 more: 27 28 29 ...
 * </pre>
 *
 * Stacks come from {@link Thread#getStackTrace()} of each goroutine's virtual thread, taken one
 * at a time: a dump of a busy runtime is not a single moment, as in Go.
 */
public final class GoroutineDump {

    /** Members listed in full per group; the rest are listed by id. */
    static final int LISTED_PER_GROUP = 10;
    /** Ids listed after the full entries of a group, at most. */
    private static final int IDS_PER_GROUP = 200;

    /**
     * Frames a goroutine parks through, skipped when naming what it waits in: the first frame
     * below them (from the top) is the wait reason, e.g. {@code CountDownLatch.await}.
     */
    private static final List<String> PARKING_FRAMES = List.of("java.lang.VirtualThread", "jdk.internal.",
            "java.util.concurrent.locks.LockSupport", "java.util.concurrent.locks.AbstractQueuedSynchronizer",
            "java.util.concurrent.locks.AbstractQueuedLongSynchronizer", "java.lang.Thread.sleepNanos", "io.goloom.sched.",
            "java.lang.Object.wait", "java.lang.System$");

    private GoroutineDump() {
    }

    /** One goroutine as dumped: what its handle said, and its stack at that moment. */
    private record Entry(GoHandle g, GoroutineState state, WaitReason reason, Optional<Duration> waited,
            List<StackTraceElement> stack) {
    }

    /** Writes the dump of {@code goroutines} (a runtime's snapshot) to {@code out}. */
    public static void write(String runtime, List<GoHandle> goroutines, Appendable out) throws IOException {
        Map<List<Object>, List<Entry>> groups = new LinkedHashMap<>();
        for (GoHandle g : goroutines) {
            StackTraceElement[] frames = g.thread().getStackTrace();
            List<StackTraceElement> stack = List.of(frames);
            GoroutineState state = g.state();
            if (state == GoroutineState.DEAD || (stack.isEmpty() && !g.thread().isAlive())) {
                continue;   // ended while we looked
            }
            WaitReason reason = state == GoroutineState.WAITING ? g.waitReason(frames).orElse(null) : null;
            Entry e = new Entry(g, state, reason, g.waitingFor(), stack);
            List<Object> key = reason == null ? List.of(state, stack) : List.of(state, reason, stack);
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
        }
        List<List<Entry>> sorted = new ArrayList<>(groups.values());
        sorted.sort(Comparator.comparingInt((List<Entry> l) -> l.size()).reversed());
        int total = sorted.stream().mapToInt(List::size).sum();
        out.append("goroutine dump of runtime \"").append(runtime).append("\": ").append(Integer.toString(total))
                .append(" goroutines in ").append(Integer.toString(sorted.size())).append(" groups\n");
        for (List<Entry> group : sorted) {
            writeGroup(group, out);
        }
    }

    /** The dump as a string. */
    public static String toString(String runtime, List<GoHandle> goroutines) {
        StringBuilder sb = new StringBuilder();
        try {
            write(runtime, goroutines, sb);
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // a StringBuilder does not throw
        }
        return sb.toString();
    }

    private static void writeGroup(List<Entry> group, Appendable out) throws IOException {
        Entry first = group.getFirst();
        group.sort(Comparator.comparing((Entry e) -> e.waited().orElse(Duration.ZERO)).reversed()
                .thenComparingLong(e -> e.g().id()));
        out.append('\n').append(Integer.toString(group.size())).append(group.size() == 1 ? " goroutine " : " goroutines ")
                .append(stateWord(first.state()));
        if (first.state() == GoroutineState.WAITING) {
            out.append(" [").append(first.reason().label()).append("] in ").append(waitReason(first.stack()));
            Duration longest = group.getFirst().waited().orElse(Duration.ZERO);
            Duration shortest = group.getLast().waited().orElse(Duration.ZERO);
            out.append(" for ").append(seconds(shortest));
            if (!seconds(shortest).equals(seconds(longest))) {
                out.append(" to ").append(seconds(longest));
            }
        }
        out.append('\n');
        for (StackTraceElement frame : first.stack()) {
            out.append('\t').append(frame.toString()).append('\n');
        }
        for (int i = 0; i < Math.min(group.size(), LISTED_PER_GROUP); i++) {
            Entry e = group.get(i);
            out.append("\tgoroutine ").append(Long.toString(e.g().id()));
            if (!e.g().name().isEmpty()) {
                out.append(" \"").append(e.g().name()).append('"');
            }
            out.append(' ').append(stateWord(e.state()));
            if (e.waited().isPresent()) {
                out.append(' ').append(seconds(e.waited().get()));
            }
            out.append(e.g().parentId() == 0 ? ", created outside the runtime" : ", created by goroutine " + e.g().parentId());
            if (e.g().priority() != Priority.NORMAL) {
                out.append(", priority ").append(e.g().priority().name());
            }
            if (!e.g().tenant().equals(GoHandle.DEFAULT_TENANT)) {
                out.append(", tenant ").append(e.g().tenant());
            }
            out.append('\n');
        }
        if (group.size() > LISTED_PER_GROUP) {
            out.append("\t...and ").append(Integer.toString(group.size() - LISTED_PER_GROUP)).append(" more:");
            int end = Math.min(group.size(), LISTED_PER_GROUP + IDS_PER_GROUP);
            for (int i = LISTED_PER_GROUP; i < end; i++) {
                out.append(' ').append(Long.toString(group.get(i).g().id()));
            }
            out.append(end < group.size() ? " ...\n" : "\n");
        }
    }

    /** What a waiting goroutine waits in: the first frame from the top that is not parking machinery. */
    static String waitReason(List<StackTraceElement> stack) {
        for (StackTraceElement f : stack) {
            String where = f.getClassName() + "." + f.getMethodName();
            if (PARKING_FRAMES.stream().noneMatch(where::startsWith)) {
                String cls = f.getClassName();
                return cls.substring(cls.lastIndexOf('.') + 1) + "." + f.getMethodName();
            }
        }
        return stack.isEmpty() ? "unknown" : stack.getFirst().getMethodName();
    }

    private static String stateWord(GoroutineState s) {
        return switch (s) {
            case NEW -> "new";
            case RUNNABLE -> "runnable";
            case RUNNING -> "running";
            case WAITING -> "waiting";
            case DEAD -> "dead";
        };
    }

    private static String seconds(Duration d) {
        return String.format("%.1f s", d.toNanos() / 1e9);
    }
}
