package io.goloom.sched;

import io.goloom.WaitReason;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One execution trace of one runtime (Go's {@code runtime/trace}): the events its Ms, its
 * goroutines and its other threads record between {@code startTrace} and {@code stopTrace},
 * exported by {@link TraceJson}.
 *
 * <h2>Recording</h2>
 * An event site reads {@link Scheduler#trace} (null while no trace runs) and, only when it is
 * set, calls {@link #record} or {@link #recordOn}. Each M appends to its own {@link Buf}: code
 * running on an M's carrier (the M's schedule loop, and goroutine code mounted on it, which the
 * same OS thread runs one after the other) is its only writer, so the hot path has no shared
 * writes, no lock and no CAS. Threads that are not an M of this runtime (sysmon, JDK timer and
 * poller threads, platform threads readying goroutines, goroutines of other runtimes) append
 * to one {@link #shared} buffer under its lock: they are rare.
 *
 * <h2>Bounds</h2>
 * Every buffer holds at most {@code maxEvents * 3} longs ({@link #DEFAULT_MAX_EVENTS} events
 * unless the caller says otherwise): {@code maxEvents} events of 3 longs (runs, the most
 * frequent), fewer when some take 4 or 5 (unblocks, steals), in chunks of {@link #CHUNK_WORDS}
 * allocated as they fill: a trace costs at most {@code (Ms + 1) * maxEvents * 24} bytes
 * (6 MB per M by default). A full buffer drops the event and counts it; recording never blocks
 * and never grows past the bound. Only the events a buffer holds are exported;
 * {@code stopTrace} reports the drops.
 *
 * <h2>Reading</h2>
 * {@code stopTrace} clears {@link Scheduler#trace}, then reads each buffer up to its
 * published word count (getAcquire; the writer stores the event, then the count with
 * setRelease). A writer that read the trace before it was cleared may still append: past the
 * count the reader took, which it never reads. After the export the reader drops each buffer's
 * chunks ({@link Buf#release}) so that an M's reference to its last buffer keeps no data alive.
 */
final class ExecTrace {

    // Event types. Each event: header, nanoTime, goroutine id, and the type's arguments (a, b);
    // see Buf.
    /** A goroutine was started: g = the new one, a = its creator's id (0: not a goroutine), b = its class ({@code G.TIER_*}) | its tenant's index {@code << 2}. */
    static final int GO_CREATE = 1;
    /** An M mounted g on P. */
    static final int GO_START = 2;
    /** g's run ended with g dead. */
    static final int GO_END = 3;
    /** g's run ended with g parked (waiting); the header says why ({@link G#codeOf}). */
    static final int GO_BLOCK = 4;
    /** g's run ended with g already runnable again (a yield, or a park readied before it finished). */
    static final int GO_YIELDED = 5;
    /** g was readied: a = the readier goroutine's id, 0 when a thread (timer, platform thread) readied it. */
    static final int GO_UNBLOCK = 6;
    /** g called {@code Go.yield()} (Go's Gosched). */
    static final int GO_SCHED = 7;
    /** g yielded at {@code Go.checkpoint()} because sysmon asked it to. */
    static final int GO_PREEMPT = 8;
    /** P was taken from the M whose id is a, running g (sysmon's retake, or {@code Go.blocking}). */
    static final int HANDOFF = 9;
    /** P (the thief) stole b goroutines from P a. */
    static final int STEAL = 10;
    /** The recording M acquired P. */
    static final int PROC_START = 11;
    /** The recording M released P. */
    static final int PROC_STOP = 12;
    /** A timer of P's heap fired (a sleep ended, a GoTimer or ticker fired). */
    static final int TIMER_FIRE = 13;
    /**
     * A run's end and the next run's start on the same M and P at one time, stored as one
     * event ({@link #goStart}): g = the goroutine whose run ended, a = the one that starts; the
     * header carries the end's type (bits 40-47) and reason. The export writes both.
     */
    static final int GO_SWITCH = 14;

    /** Arguments each type stores after its three words (header, time, goroutine). */
    private static final byte[] ARGS = new byte[GO_SWITCH + 1];

    static {
        ARGS[GO_CREATE] = 2;
        ARGS[GO_UNBLOCK] = 1;
        ARGS[HANDOFF] = 1;
        ARGS[STEAL] = 2;
        ARGS[GO_SWITCH] = 1;
    }

    /** Words per chunk (32 KB). An event never straddles two: see {@link Buf#add}. */
    static final int CHUNK_WORDS = 4096;
    /** The most words an event takes. */
    static final int MAX_EVENT_WORDS = 5;
    static final int DEFAULT_MAX_EVENTS = 1 << 18;
    /** 2^26 events per buffer (at most 1.6 GB): past that a trace cannot be exported in one piece anyway. */
    static final int MAX_MAX_EVENTS = 1 << 26;

    final Path path;
    final int maxEvents;
    /** {@code System.nanoTime()} when the trace started: time 0 of the exported timestamps. */
    final long startNanos;
    /** Appends from threads that are not an M of this runtime; guarded by itself. */
    private final Buf shared;
    /** Every buffer of this trace, shared first. Guarded by itself; appended once per M. */
    private final List<Buf> bufs = new ArrayList<>();

    ExecTrace(Path path, int maxEvents) {
        this.path = path;
        this.maxEvents = maxEvents;
        this.shared = new Buf(this, -1);
        bufs.add(shared);
        this.startNanos = System.nanoTime();
    }

    /** Records an event, stamped now, from the calling thread: its M's buffer, or the shared one. */
    void record(Scheduler s, int type, int pid, long g, long a, long b) {
        if (VirtualThreads.JDK.currentCarrierThread() instanceof M m && m.sched == s) {
            recordOn(m, type, pid, g, a, b);
        } else {
            recordShared(type, pid, g, a, b);
        }
    }

    /** Records an event, stamped now, from a thread that is not an M of this runtime. */
    void recordShared(int type, int pid, long g, long a, long b) {
        synchronized (shared) {
            shared.add(type | (long) (pid + 1) << 8, System.nanoTime(), g, words(type), a, b);
        }
    }

    /** Records an event, stamped now, from code running on {@code m}'s carrier (its loop or its goroutine). */
    void recordOn(M m, int type, int pid, long g, long a, long b) {
        long now = System.nanoTime();
        Buf buf = bufOf(m);
        buf.flushEnd(now);
        buf.add(type | (long) (pid + 1) << 8, now, g, words(type), a, b);
        buf.stamp = now;
    }

    /**
     * Records that {@code m} mounts {@code g} on P {@code pid}, and first the end of m's
     * previous run if it is still pending ({@link #goStop}): one clock read for both, and, on
     * the same P (always but after a {@code Go.blocking} swapped it), one {@link #GO_SWITCH}
     * event of 4 words for both instead of two of 3.
     */
    void goStart(M m, int pid, long g) {
        long now = System.nanoTime();
        Buf buf = bufOf(m);
        long end = buf.pendingHeader;
        m.traceEndPending = false;
        if (end != 0 && pid(end) == pid) {
            buf.pendingHeader = 0;
            buf.add((end & ~0xFFL) | GO_SWITCH | (end & 0xFF) << 40, now, buf.pendingG, 4, g, 0);
        } else {
            buf.flushEnd(now);
            buf.add(GO_START | (long) (pid + 1) << 8, now, g, 3, 0, 0);
        }
        buf.stamp = now;
    }

    /**
     * Notes the end of {@code g}'s run on {@code m}, to be written with the next event m
     * records: {@code type} is {@link #GO_END}, {@link #GO_BLOCK} or {@link #GO_YIELDED};
     * {@code reason} a {@link G#codeOf} for a block, else 0. When m goes straight on to
     * its next goroutine (runnext, its local queue), that start's clock read stamps both, so a
     * switch reads the clock once; when m does anything else first (timers, the global queue,
     * stealing, parking: {@link M#flushTraceEnd}), the end is written then with its own read.
     * Deferring also keeps the trace's work out of the window between a ready into runnext and
     * the owner's pick, where a longer delay lets a spinning M steal the runnext and turns a
     * ping-pong into a cross-carrier one for a while (with the trace on, 1.3-1.7% of a 2-P
     * ping-pong's runs were steals against 0.3-1% off). The few nanoseconds m spends picking its
     * next goroutine are drawn at the end of the run it left.
     */
    void goStop(M m, int type, int pid, long g, int reason) {
        Buf buf = bufOf(m);
        buf.pendingHeader = type | (long) (pid + 1) << 8 | (long) reason << 32;
        buf.pendingG = g;
        m.traceEndPending = true;
    }

    /**
     * Records that goroutine code on {@code m} readied {@code g} (GoUnblock by {@code by}),
     * without reading the clock: stamped with the later of m's last clock read (the start of
     * the readier's run) and sysmon's coarse clock. Both are at most the true time, so the
     * unblock still sorts before the run it causes. A clock read (25 ns here) for each of a
     * ping-pong's two unblocks would take the whole 15% budget of a ~330 ns round trip.
     */
    void unblockOn(M m, long g, long by, long coarse) {
        Buf buf = bufOf(m);
        long t = buf.stamp;
        if (coarse - t > 0) {
            t = coarse;
        }
        buf.add(GO_UNBLOCK, t, g, 4, by, 0);
    }

    /** {@code m}'s buffer in this trace, created on its first event. Code on m's carrier. */
    private Buf bufOf(M m) {
        Buf buf = m.traceBuf;
        if (buf == null || buf.trace != this) {
            buf = new Buf(this, m.mid);
            synchronized (bufs) {
                bufs.add(buf);
            }
            m.traceBuf = buf;
        }
        return buf;
    }

    /** The buffers so far; call after {@link Scheduler#trace} was cleared. */
    List<Buf> buffers() {
        synchronized (bufs) {
            return List.copyOf(bufs);
        }
    }

    /** Words event type {@code type} takes. */
    static int words(int type) {
        return 3 + ARGS[type];
    }

    /**
     * A fixed-capacity event buffer with one writer at a time (an M's carrier, or whoever holds
     * the shared buffer's lock) and one reader ({@code stopTrace}). Events are stored back to
     * back: header ({@code type | (P id + 1) << 8 | waitReason << 32}), time (a
     * {@code System.nanoTime()} value: see {@link ExecTrace#goStart} and {@link ExecTrace#unblockOn}
     * for the events that share one), goroutine id,
     * then the type's arguments ({@link #ARGS}); the M is the buffer's. An event that does not
     * fit in the rest of a chunk starts the next one; the zero words left behind read as
     * "skip to the next chunk" (no event type is 0).
     */
    static final class Buf {
        private static final VarHandle PUBLISHED, DROPPED;

        static {
            try {
                MethodHandles.Lookup l = MethodHandles.lookup();
                PUBLISHED = l.findVarHandle(Buf.class, "published", long.class);
                DROPPED = l.findVarHandle(Buf.class, "dropped", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final ExecTrace trace;
        /** The writing M's id, -1 for the shared buffer. */
        final int mid;
        /** Words this buffer may hold: {@code maxEvents} events of the smallest size (3 words). */
        private final long limitWords;
        /**
         * The events, chunk by chunk. Chunks are allocated and filled by the writer before it
         * publishes their words. Set to null by the reader after the export: race: a writer
         * that read it before then fills a chunk nobody reads.
         */
        private long[][] chunks;
        /**
         * The chunk being filled, its index, the word offset of its start, the next free word in
         * it and where it ends for this buffer (its length, or less where the limit falls).
         * Writer only. The appends' fast path reads these and nothing else.
         */
        private long[] cur;
        private int chunk = -1;
        private long base = -CHUNK_WORDS;
        private int pos, end;
        /**
         * Words written, padding included. Written by the writer with setRelease after the
         * event's words, read by the reader with getAcquire.
         */
        private long published;
        /** Events dropped because the buffer was full. Writer (setRelease), reader (getAcquire). */
        private long dropped;
        /** The writer's last clock read for an event. Writer only. */
        long stamp;
        /** The run end {@link ExecTrace#goStop} noted and no event has written yet (header, g), or 0. Writer only. */
        long pendingHeader, pendingG;

        Buf(ExecTrace trace, int mid) {
            this.trace = trace;
            this.mid = mid;
            this.limitWords = (long) trace.maxEvents * 3;
            // An event never straddles two chunks, so each chunk may waste up to MAX_EVENT_WORDS - 1.
            this.chunks = new long[(int) (limitWords / (CHUNK_WORDS - MAX_EVENT_WORDS + 1)) + 2][];
        }

        /** Writes the pending run end, if any, stamped {@code now}. Writer only. */
        void flushEnd(long now) {
            long h = pendingHeader;
            if (h != 0) {
                pendingHeader = 0;
                add(h, now, pendingG, 3, 0, 0);
            }
        }

        /**
         * Appends an event of {@code k} words (header, time, g, then a and b as k says). Writer
         * only. The fast path is a bounds check and the stores, small enough that inlining it
         * at every event site does not crowd the scheduler's hot methods out of the JIT's
         * inlining budget (with the chunk and limit handling inline, tracing slowed park
         * ping-pong even after the trace stopped); {@link #addSlow} runs once per chunk.
         */
        void add(long header, long time, long g, int k, long a, long b) {
            long[] c = cur;
            int i = pos;
            if (i > end - k) {
                addSlow(header, time, g, k, a, b);
                return;
            }
            c[i] = header;
            c[i + 1] = time;
            c[i + 2] = g;
            if (k > 3) {
                c[i + 3] = a;
                if (k > 4) {
                    c[i + 4] = b;
                }
            }
            pos = i + k;
            PUBLISHED.setRelease(this, base + i + k);
        }

        /** {@link #add} when the chunk is full: the next chunk (the rest of this one stays zero: padding), or a drop. */
        private void addSlow(long header, long time, long g, int k, long a, long b) {
            long[][] cs = chunks;
            long next = base + CHUNK_WORDS;
            if (cs == null || next + k > limitWords || chunk + 1 >= cs.length) {
                DROPPED.setRelease(this, dropped + 1);   // the writer's own field: a plain read sees its last store
                return;   // full (or released after the export)
            }
            cur = cs[++chunk] = new long[CHUNK_WORDS];
            base = next;
            pos = 0;
            end = (int) Math.min(CHUNK_WORDS, limitWords - next);
            add(header, time, g, k, a, b);
        }

        /** Words written so far. Reader. */
        long published() {
            return (long) PUBLISHED.getAcquire(this);
        }

        /** Events dropped so far. Reader. */
        long dropped() {
            return (long) DROPPED.getAcquire(this);
        }

        /** The word at {@code w < published()}. Reader. */
        long word(long w) {
            long[] c = chunks[(int) (w / CHUNK_WORDS)];
            return c[(int) (w % CHUNK_WORDS)];
        }

        /** Drops the events after the export (see "Reading"). Reader. */
        void release() {
            chunks = null;
        }
    }

    static int type(long header) {
        return (int) (header & 0xFF);
    }

    static int pid(long header) {
        return (int) ((header >>> 8) & 0xFFFFFF) - 1;
    }

    /** A GoBlock's (or a GoSwitch's block's) {@link WaitReason}, or null (other events, and traces of unknown reasons). */
    static WaitReason reason(long header) {
        return G.reasonOf((int) (header >>> 32) & 0xFF);
    }

    /** The type of the run end a {@link #GO_SWITCH} stands for. */
    static int switchEndType(long header) {
        return (int) (header >>> 40) & 0xFF;
    }
}
