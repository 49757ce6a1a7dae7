package io.goloom.sched;

import io.goloom.WaitReason;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeSet;

import static io.goloom.sched.ExecTrace.*;

/**
 * Writes an {@link ExecTrace} as Chrome Trace Event JSON, which ui.perfetto.dev and
 * chrome://tracing open: one process per runtime, one track (tid) per P ({@code tid = P id})
 * and per M ({@code tid = 1000 + M id}), and {@link #OTHER_TID} for threads that are not Ms.
 *
 * <ul>
 *   <li>Goroutine runs are complete events ({@code ph "X"}) named {@code G<id>} on the track
 *       of the M that ran them and on the P's track, with args {@code g}, {@code m}, {@code p},
 *       {@code end} (how the run ended: {@code block}, {@code yield}, {@code end}, ...) and,
 *       for a block, {@code reason} ({@link WaitReason#label}). A P slice ends early where the
 *       P was taken from the M ({@code Handoff}): the goroutine ran on without it.
 *   <li>Everything else is an instant ({@code ph "i"}): goroutine events ({@code GoCreate},
 *       {@code GoUnblock}, {@code GoSched}, {@code GoPreempt}) on the recording thread's track,
 *       P events ({@code Handoff}, {@code Steal}, {@code ProcStart}, {@code ProcStop},
 *       {@code TimerFire}) on the P's track. A {@code GoCreate} of a goroutine of a class other
 *       than NORMAL has a {@code priority} arg, and one of a tenant other than the default a
 *       {@code tenant} arg (its name).
 *   <li>An unblock that was followed by a run of the goroutine it readied becomes a flow
 *       ({@code ph "s"} at the unblock, {@code "f"} at the run's start, same id), drawn as an
 *       arrow from the readier to the readied.
 * </ul>
 * Timestamps are microseconds since the trace started, written from integer nanoseconds
 * ({@code 12.345}), so slices on one track compare exactly.
 *
 * <p>The buffers are merged by timestamp (each buffer is already in time order: one writer,
 * a monotonic clock). At equal timestamps from different threads, ends go before starts, so
 * that a P handed from one M to the next never shows two runs at once.
 */
final class TraceJson {

    static final int M_TID_BASE = 1000;
    static final int OTHER_TID = 999;

    /** Events read and events dropped, as {@code stopTrace} reports them. */
    record Counts(long events, long dropped) {
    }

    private final ExecTrace trace;
    private final Scheduler sched;
    private Writer out;
    private boolean first = true;
    private long flowIds;

    /** An open goroutine run on a track. */
    private record Run(long g, long start, int mid, int pid) {
    }

    /** The WaitReason of the GoBlock being written, for {@link #slice}; null for other ends. */
    private WaitReason blockReason;

    /** The unblock waiting for its goroutine's next run. */
    private record Unblock(long ts, int tid) {
    }

    private final Map<Integer, Run> openOnP = new HashMap<>();
    private final Map<Integer, Run> openOnM = new HashMap<>();
    private final Map<Long, Unblock> pendingUnblocks = new HashMap<>();
    private final TreeSet<Integer> mids = new TreeSet<>();
    private boolean otherThreads;

    private TraceJson(ExecTrace trace, Scheduler sched) {
        this.trace = trace;
        this.sched = sched;
    }

    /** Writes {@code trace} to its path; call after it stopped recording. */
    static Counts write(ExecTrace trace, Scheduler sched) throws IOException {
        return new TraceJson(trace, sched).write();
    }

    /** A read position in one buffer: the event at word {@link #w}, decoded. */
    private static final class Cursor {
        final ExecTrace.Buf buf;
        final long end;
        long w;
        long header, time;

        Cursor(ExecTrace.Buf buf) {
            this.buf = buf;
            this.end = buf.published();
        }

        /** Loads the event at {@link #w}, skipping chunk padding; false at the end. */
        boolean load() {
            while (w < end) {
                header = buf.word(w);
                if (header != 0) {
                    time = buf.word(w + 1);
                    return true;
                }
                w += ExecTrace.CHUNK_WORDS - w % ExecTrace.CHUNK_WORDS;
            }
            return false;
        }

        long word(int k) {
            return buf.word(w + k);
        }

        /** The argument {@code k} (0 or 1) of this event, or 0 if its type has none. */
        long arg(int k) {
            return 3 + k < words(type(header)) ? buf.word(w + 3 + k) : 0;
        }

        void next() {
            w += words(type(header));
        }
    }

    /** 0 for events that end something, 2 for those that start something, 1 for the rest. */
    private static int rank(int type) {
        return switch (type) {
            case GO_END, GO_BLOCK, GO_YIELDED, GO_SWITCH, HANDOFF, PROC_STOP -> 0;
            case GO_START, PROC_START -> 2;
            default -> 1;
        };
    }

    private Counts write() throws IOException {
        List<ExecTrace.Buf> bufs = trace.buffers();
        long events = 0, dropped = 0;
        PriorityQueue<Cursor> heads = new PriorityQueue<>((x, y) -> x.time != y.time
                ? Long.compare(x.time, y.time)
                : Integer.compare(rank(type(x.header)), rank(type(y.header))));
        for (ExecTrace.Buf b : bufs) {
            dropped += b.dropped();
            Cursor c = new Cursor(b);
            if (c.load()) {
                heads.add(c);
            }
        }
        try (Writer w = new BufferedWriter(Files.newBufferedWriter(trace.path, StandardCharsets.UTF_8), 1 << 16)) {
            out = w;
            // No "displayTimeUnit": ts is in µs as the format says, but Perfetto builds before
            // 2022 read "ns" there as the unit of ts and draw the trace 1000x too short.
            w.write("{\"traceEvents\":[\n");
            while (!heads.isEmpty()) {
                Cursor c = heads.poll();
                event(c);
                events += type(c.header) == GO_SWITCH ? 2 : 1;
                c.next();
                if (c.load()) {
                    heads.add(c);
                }
            }
            // Runs still open when the trace stopped end at the last event's time.
            long end = lastTime;
            for (Run r : openOnM.values()) {
                slice(r, M_TID_BASE + r.mid, end, "running");
            }
            for (Run r : openOnP.values()) {
                slice(r, r.pid, end, "running");
            }
            metadata();
            w.write("\n],\"otherData\":{\"runtime\":");
            string(sched.name());
            w.write(",\"events\":" + events + ",\"dropped\":" + dropped + "}}\n");
        } finally {
            for (ExecTrace.Buf b : bufs) {
                b.release();
            }
        }
        return new Counts(events, dropped);
    }

    private long lastTime;

    private void event(Cursor c) throws IOException {
        int type = type(c.header);
        int pid = pid(c.header);
        int mid = c.buf.mid;
        long t = c.time - trace.startNanos;
        lastTime = t;
        long g = c.word(2), a = c.arg(0), b = c.arg(1);
        int tid;
        if (mid >= 0) {
            mids.add(mid);
            tid = M_TID_BASE + mid;
        } else {
            otherThreads = true;
            tid = OTHER_TID;
        }
        switch (type) {
            case GO_START -> start(g, t, mid, pid, tid);
            case GO_END, GO_BLOCK, GO_YIELDED -> end(type, c.header, g, t, mid, tid);
            case GO_SWITCH -> {
                end(switchEndType(c.header), c.header, g, t, mid, tid);
                start(a, t, mid, pid, tid);
            }
            case HANDOFF -> {
                Run onP = openOnP.get(pid);
                if (onP != null && onP.mid == a) {
                    openOnP.remove(pid);
                    slice(onP, pid, t, "handoff");
                }
                instant("Handoff", pid, t).append("\"g\":").append(g).append(",\"fromM\":").append(a);
                endInstant();
            }
            case GO_CREATE -> {
                StringBuilder e = instant("GoCreate", tid, t).append("\"g\":").append(g).append(",\"parent\":").append(a);
                int tier = (int) (b & 3), tenant = (int) (b >>> 2);
                if (tier != G.TIER_NORMAL) {
                    e.append(",\"priority\":\"").append(G.priorityOf(tier)).append('"');
                }
                if (tenant != 0) {
                    e.append(",\"tenant\":\"").append(sched.tenants.get(tenant).name).append('"');
                }
                endInstant();
            }
            case GO_UNBLOCK -> {
                instant("GoUnblock", tid, t).append("\"g\":").append(g).append(",\"by\":").append(a);
                endInstant();
                pendingUnblocks.put(g, new Unblock(t, tid));
            }
            case GO_SCHED, GO_PREEMPT -> {
                instant(type == GO_SCHED ? "GoSched" : "GoPreempt", tid, t).append("\"g\":").append(g);
                endInstant();
            }
            case STEAL -> {
                instant("Steal", pid, t).append("\"fromP\":").append(a).append(",\"toP\":").append(pid)
                        .append(",\"count\":").append(b);
                endInstant();
            }
            case PROC_START, PROC_STOP -> {
                instant(type == PROC_START ? "ProcStart" : "ProcStop", pid, t).append("\"m\":").append(mid);
                endInstant();
            }
            case TIMER_FIRE -> {
                instant("TimerFire", pid >= 0 ? pid : tid, t).append("\"heap\":").append(pid);
                endInstant();
            }
            default -> throw new IllegalStateException("unknown trace event type " + type);
        }
    }

    /** A run of {@code g} starts on M {@code mid} (track {@code tid}) and P {@code pid} at {@code t}. */
    private void start(long g, long t, int mid, int pid, int tid) throws IOException {
        Run r = new Run(g, t, mid, pid);
        Run prev = openOnM.put(mid, r);
        if (prev != null) {
            slice(prev, tid, t, "unknown");   // its end was dropped (buffer full)
        }
        if (pid >= 0) {
            Run onP = openOnP.put(pid, r);
            if (onP != null) {
                slice(onP, pid, t, "unknown");   // likewise
            }
        }
        Unblock u = pendingUnblocks.remove(g);
        if (u != null) {
            long id = ++flowIds;
            flow("s", id, u.tid, u.ts);
            flow("f", id, tid, t);
        }
    }

    /** {@code g}'s run on M {@code mid} ends at {@code t}, as {@code type} says (GoEnd, GoBlock, yield). */
    private void end(int type, long header, long g, long t, int mid, int tid) throws IOException {
        String how = type == GO_END ? "end" : type == GO_BLOCK ? "block" : "yield";
        blockReason = type == GO_BLOCK ? reason(header) : null;
        Run r = openOnM.get(mid);
        if (r != null && r.g == g) {
            openOnM.remove(mid);
            slice(r, tid, t, how);
            Run onP = r.pid >= 0 ? openOnP.get(r.pid) : null;
            if (onP == r) {
                openOnP.remove(r.pid);
                slice(r, r.pid, t, how);
            }
        }
        blockReason = null;
    }

    /**
     * The event being written. Events are built here and copied to {@link #out} through
     * {@link #chars}, so that an event allocates no strings: a trace is exported right after the
     * traced code, and the export's garbage would otherwise trigger collections that slow the
     * traced code's next continuations (the JDK's freeze and thaw take a slower path for stack
     * chunks a collection has moved), which showed as tracing overhead in benchmarks.
     */
    private final StringBuilder line = new StringBuilder(256);
    private char[] chars = new char[256];

    private StringBuilder begin() {
        line.setLength(0);
        if (!first) {
            line.append(",\n");
        }
        first = false;
        return line;
    }

    private void end() throws IOException {
        int n = line.length();
        if (n > chars.length) {
            chars = new char[Math.max(n, 2 * chars.length)];
        }
        line.getChars(0, n, chars, 0);
        out.write(chars, 0, n);
    }

    private void slice(Run r, int tid, long end, String how) throws IOException {
        StringBuilder b = begin().append("{\"name\":\"G").append(r.g).append("\",\"cat\":\"goroutine\",\"ph\":\"X\",\"pid\":1,\"tid\":")
                .append(tid).append(",\"ts\":");
        micros(b, r.start).append(",\"dur\":");
        micros(b, end - r.start).append(",\"args\":{\"g\":").append(r.g).append(",\"m\":").append(r.mid).append(",\"p\":")
                .append(r.pid).append(",\"end\":\"").append(how).append('"');
        if (blockReason != null && how.equals("block")) {
            b.append(",\"reason\":\"").append(blockReason.label()).append('"');
        }
        b.append("}}");
        end();
    }

    /** Starts an instant event; the caller appends its args and calls {@link #endInstant}. */
    private StringBuilder instant(String name, int tid, long t) {
        StringBuilder b = begin().append("{\"name\":\"").append(name)
                .append("\",\"cat\":\"sched\",\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":").append(tid).append(",\"ts\":");
        return micros(b, t).append(",\"args\":{");
    }

    private void endInstant() throws IOException {
        line.append("}}");
        end();
    }

    private void flow(String ph, long id, int tid, long t) throws IOException {
        StringBuilder b = begin().append("{\"name\":\"unblock\",\"cat\":\"flow\",\"ph\":\"").append(ph).append("\",\"id\":")
                .append(id).append(",\"pid\":1,\"tid\":").append(tid).append(",\"ts\":");
        micros(b, t);
        if ("f".equals(ph)) {
            b.append(",\"bp\":\"e\"");
        }
        b.append('}');
        end();
    }

    private void metadata() throws IOException {
        begin();
        end();
        out.write("{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"tid\":0,\"args\":{\"name\":");
        string("goloom runtime \"" + sched.name() + "\"");
        out.write("}}");
        for (int p = 0; p < sched.procs; p++) {
            thread(p, "P" + p, p);
        }
        for (int m : mids) {
            thread(M_TID_BASE + m, "M" + m, sched.procs + m + 1);
        }
        if (otherThreads) {
            thread(OTHER_TID, "other threads (sysmon, timers, platform threads)", Integer.MAX_VALUE);
        }
    }

    private void thread(int tid, String name, int sortIndex) throws IOException {
        begin();
        end();
        out.write("{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":" + tid + ",\"args\":{\"name\":");
        string(name);
        out.write("}},\n{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":1,\"tid\":" + tid
                + ",\"args\":{\"sort_index\":" + sortIndex + "}}");
    }

    /** Nanoseconds as microseconds with three decimals, exactly ({@code 1234567 -> 1234.567}). */
    static String micros(long nanos) {
        return micros(new StringBuilder(), nanos).toString();
    }

    /** Appends {@link #micros(long)} to {@code b}, allocating nothing. */
    static StringBuilder micros(StringBuilder b, long nanos) {
        int frac = (int) Math.floorMod(nanos, 1000L);
        b.append(Math.floorDiv(nanos, 1000L)).append('.');
        if (frac < 100) {
            b.append(frac < 10 ? "00" : "0");
        }
        return b.append(frac);
    }

    /** Writes {@code s} as a JSON string: quotes, backslashes and control characters escaped. */
    private void string(String s) throws IOException {
        out.write('"');
        out.write(escape(s));
        out.write('"');
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (ch < 0x20 || ch == 0x2028 || ch == 0x2029) {
                        sb.append(String.format("\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        return sb.toString();
    }
}
