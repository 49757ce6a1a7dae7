package io.goloom;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.goloom.TestSupport.uniqueName;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** goloom's JFR events: a recording sees preemptions, hand-offs and long schedule latencies, with their fields. */
class JfrEventsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    /**
     * procs=1. A hog with checkpoints and a goroutine that yields 32 times share the P with a
     * 20 ms time slice: the hog is preempted (goloom.Preemption, naming it), and the yielder
     * waits a slice behind it each time; its sampled runs (one in 8) record
     * goloom.LongScheduleLatency of 10 ms or more. Then, in a runtime of the same name with
     * retakeAfter 5 ms, a hog without checkpoints keeps the P while another goroutine waits:
     * sysmon hands the P off (goloom.Handoff).
     */
    @Test
    @Timeout(120)
    void preemptionHandoffAndLongLatencyAreRecorded() throws Exception {
        String name = uniqueName("jfr");
        Path file = Files.createTempFile("goloom-jfr", ".jfr");
        long preemptedId, handedOffId;
        try (Recording recording = new Recording()) {
            recording.enable("goloom.Preemption");
            recording.enable("goloom.Handoff");
            recording.enable("goloom.LongScheduleLatency");
            recording.start();
            // retakeAfter 1 h: a hand-off would give the yielder a carrier of its own
            try (GoRuntime rt = GoRuntime.builder().name(name).procs(1).preemptAfter(Duration.ofMillis(20))
                    .retakeAfter(Duration.ofHours(1)).build()) {
                AtomicBoolean stop = new AtomicBoolean();
                AtomicLong sink = new AtomicLong();
                GoHandle hog = rt.go("hog", () -> {
                    long x = 0;
                    while (!stop.get()) {
                        for (int k = 0; k < 1_000; k++) {
                            x = x * 6364136223846793005L + 1442695040888963407L;
                        }
                        Go.checkpoint();
                    }
                    sink.addAndGet(x);
                });
                GoHandle yielder = rt.go("yielder", () -> {
                    for (int i = 0; i < 32; i++) {
                        Go.yield();
                    }
                });
                assertTrue(yielder.join(WAIT), "the yielder never finished");
                stop.set(true);
                assertTrue(hog.join(WAIT));
                preemptedId = hog.id();
            }
            try (GoRuntime rt = GoRuntime.builder().name(name).procs(1).retakeAfter(Duration.ofMillis(5)).build()) {
                AtomicBoolean stop2 = new AtomicBoolean();
                GoHandle stubborn = rt.go("stubborn", () -> {
                    long deadline = System.nanoTime() + WAIT.toNanos();
                    while (!stop2.get() && System.nanoTime() - deadline < 0) {
                        Thread.onSpinWait();   // no checkpoint: only a hand-off frees the P
                    }
                });
                GoHandle waiter = rt.go("waiter", () -> stop2.set(true));
                assertTrue(waiter.join(WAIT), "the waiter never ran: no hand-off");
                assertTrue(stubborn.join(WAIT));
                handedOffId = stubborn.id();
            }
            recording.stop();
            recording.dump(file);
        }
        try {
            List<RecordedEvent> events = RecordingFile.readAllEvents(file);
            List<RecordedEvent> ours = events.stream().filter(e -> name.equals(e.getString("runtime"))).toList();
            assertTrue(ours.stream().anyMatch(e -> e.getEventType().getName().equals("goloom.Preemption")
                    && e.getLong("goroutineId") == preemptedId && e.getInt("p") == 0), () -> "no preemption of the hog in " + ours);
            assertTrue(ours.stream().anyMatch(e -> e.getEventType().getName().equals("goloom.Handoff")
                    && e.getLong("goroutineId") == handedOffId && e.getLong("ranFor") >= 5_000_000L
                    && e.getString("carrier").startsWith(name + "-m-")), () -> "no hand-off of the stubborn goroutine in " + ours);
            assertTrue(ours.stream().anyMatch(e -> e.getEventType().getName().equals("goloom.LongScheduleLatency")
                    && e.getLong("latency") >= 10_000_000L), () -> "no long schedule latency in " + ours);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
