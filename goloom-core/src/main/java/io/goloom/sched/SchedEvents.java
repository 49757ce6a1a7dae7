package io.goloom.sched;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * goloom's JDK Flight Recorder events: the rare scheduler decisions a production user wants
 * to see in the tools they already have ({@code jcmd <pid> JFR.start}, JDK Mission Control).
 * Each is emitted only after a cheap {@code isEnabled()} check, and only on paths that are
 * rare by design (a preemption, a hand-off, a sampled run that waited long), so a recording
 * costs nothing on the hot path.
 *
 * <p>Nothing here touches an event class until the Flight Recorder is initialised: the first
 * {@code new Event()} of a class registers it, and in a JVM without a recording that starts
 * the whole recorder (200-300 ms on two cores), which made a JVM's first hand-off or preemption
 * take that long. {@link FlightRecorder#isInitialized()} is a volatile read, and every
 * recording ({@code -XX:StartFlightRecording}, {@code jcmd JFR.start}, {@code new Recording()})
 * initialises the recorder before it records.
 *
 * <p>A long latency is seen by the M about to run the goroutine, but sysmon commits it (at
 * most one per P per round, noted in {@link P}): events committed on a carrier thread between
 * two mounts of virtual threads did not reach the recording (JDK 25; events of sysmon's
 * platform thread and of goroutines do).
 */
final class SchedEvents {

    /** A sampled scheduling latency at least this long is recorded (Go's sysmon slice). */
    static final long LONG_LATENCY_NANOS = 10_000_000;

    private SchedEvents() {
    }

    @Name("goloom.Preemption")
    @Label("Goroutine Preempted")
    @Category({"goloom", "Scheduler"})
    @Description("A goroutine yielded at Go.checkpoint() because sysmon asked: it had run longer than preemptAfter")
    @StackTrace(true)
    static final class Preemption extends Event {
        @Label("Runtime")
        String runtime;
        @Label("Goroutine Id")
        long goroutineId;
        @Label("P")
        int p;
    }

    @Name("goloom.Handoff")
    @Label("P Handed Off")
    @Category({"goloom", "Scheduler"})
    @Description("Sysmon took a P from a carrier whose goroutine had run (computing, or blocked in its carrier)"
            + " longer than retakeAfter, and gave it to another carrier")
    @StackTrace(false)
    static final class Handoff extends Event {
        @Label("Runtime")
        String runtime;
        @Label("P")
        int p;
        @Label("Carrier")
        String carrier;
        @Label("Goroutine Id")
        long goroutineId;
        @Label("Run Length")
        @Timespan(Timespan.NANOSECONDS)
        long ranFor;
    }

    @Name("goloom.LongScheduleLatency")
    @Label("Long Schedule Latency")
    @Category({"goloom", "Scheduler"})
    @Description("A sampled goroutine waited at least 10 ms between being made runnable and running")
    @StackTrace(false)
    static final class LongScheduleLatency extends Event {
        @Label("Runtime")
        String runtime;
        @Label("Goroutine Id")
        long goroutineId;
        @Label("P")
        int p;
        @Label("Latency")
        @Timespan(Timespan.NANOSECONDS)
        long latency;
    }

    static void preemption(Scheduler s, G g, P pp) {
        if (!FlightRecorder.isInitialized()) {
            return;
        }
        Preemption e = new Preemption();
        if (e.isEnabled()) {
            e.runtime = s.name();
            e.goroutineId = g != null ? g.id : -1;
            e.p = pp != null ? pp.id : -1;
            e.commit();
        }
    }

    /** {@code g}: the goroutine that held {@code pp} (read before the hand-off), or null. */
    static void handoff(Scheduler s, P pp, M m, G g, long ranFor) {
        if (!FlightRecorder.isInitialized()) {
            return;
        }
        Handoff e = new Handoff();
        if (e.isEnabled()) {
            e.runtime = s.name();
            e.p = pp.id;
            e.carrier = m.getName();
            e.goroutineId = g != null ? g.id : -1;
            e.ranFor = ranFor;
            e.commit();
        }
    }

    static void longScheduleLatency(Scheduler s, long goid, P pp, long latency) {
        if (!FlightRecorder.isInitialized()) {
            return;
        }
        LongScheduleLatency e = new LongScheduleLatency();
        if (e.isEnabled()) {
            e.runtime = s.name();
            e.goroutineId = goid;
            e.p = pp.id;
            e.latency = latency;
            e.commit();
        }
    }
}
