package io.goloom.chan;

import io.goloom.GoHandle;
import io.goloom.GoRuntime;
import io.goloom.GoroutineState;
import io.goloom.WaitReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Goroutines blocked in a channel operation say so, as Go's dumps do: chan receive, chan send, select. */
class ChanWaitReasonTest {

    @Test
    @Timeout(60)
    void blockedChannelOperationsNameTheirWaitReason() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().name("chan-wait-reasons").build()) {
            Chan<Integer> noSender = Chan.make();
            Chan<Integer> never = Chan.make();
            GoHandle receiver = rt.go("receiver", () -> swallow(noSender::receive));
            GoHandle sender = rt.go("sender", () -> swallow(() -> {
                never.send(1);           // nobody receives from never
                return null;
            }));
            GoHandle selector = rt.go("selector", () -> swallow(() -> new Select()
                    .recv(Chan.make(), null).timeout(Duration.ofHours(1), null).run()));
            GoHandle nilReceiver = rt.go("nil-receiver", () -> swallow(Chan.<Integer>nil()::receive));
            Map<GoHandle, WaitReason> expected = Map.of(receiver, WaitReason.CHAN_RECEIVE,
                    sender, WaitReason.CHAN_SEND, selector, WaitReason.SELECT, nilReceiver, WaitReason.CHAN_RECEIVE);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!expected.keySet().stream().allMatch(g -> g.state() == GoroutineState.WAITING
                    && g.waitReason().orElse(null) == expected.get(g))) {
                assertTrue(System.nanoTime() < deadline, () -> "reasons: " + expected.keySet().stream()
                        .map(g -> g.name() + "=" + g.state() + "/" + g.waitReason()).toList());
                Thread.onSpinWait();
            }
            String dump = rt.goroutineDump();
            for (String label : List.of("[chan receive]", "[chan send]", "[select]")) {
                assertTrue(dump.contains(label), () -> label + " missing from the dump:\n" + dump);
            }
            for (GoHandle g : expected.keySet()) {
                g.thread().interrupt();
                assertTrue(g.thread().join(Duration.ofSeconds(30)), g + " did not end after its interrupt");
            }
            assertEquals(Thread.State.TERMINATED, receiver.thread().getState());
        }
    }

    private interface Blocking {
        Object run() throws InterruptedException;
    }

    private static void swallow(Blocking b) {
        try {
            b.run();
        } catch (InterruptedException expected) {
            // the test ends it
        }
    }
}
