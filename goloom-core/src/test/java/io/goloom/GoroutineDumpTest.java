package io.goloom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import static io.goloom.TestSupport.await;
import static io.goloom.TestSupport.awaitCondition;
import static io.goloom.TestSupport.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Goroutine dumps and leak reports: groups, wait reasons, waits, creators. */
class GoroutineDumpTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    /**
     * A parent goroutine starts 50 goroutines that park on one latch and one, "leaky", that
     * parks on another. The dump groups the 50 (same state, same stack) and names the wait;
     * the leaky one is listed with its name and its creator. After it has waited 1 s it is a
     * leak at that threshold, none is at an hour, and a goroutine that parks after the runtime
     * sat idle is not aged by the idle time (sysmon's coarse clock stands still then).
     */
    @Test
    @Timeout(120)
    void dumpGroupsByStackAndLeaksAreTheLongWaiters() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("dump")).procs(2).build()) {
            CountDownLatch never = new CountDownLatch(1), release = new CountDownLatch(1), started = new CountDownLatch(51);
            AtomicReference<GoHandle> leaky = new AtomicReference<>();
            List<GoHandle> crowd = new ArrayList<>();
            GoHandle parent = rt.go("parent", () -> {
                for (int i = 0; i < 50; i++) {
                    crowd.add(Go.go(() -> {
                        started.countDown();
                        awaitQuietly(release);
                    }));
                }
                leaky.set(Go.go("leaky", () -> {
                    started.countDown();
                    awaitQuietly(never);
                }));
            });
            assertTrue(parent.join(WAIT));
            await(started, WAIT, "the goroutines to start");
            awaitCondition(() -> rt.goroutinesByState().get(GoroutineState.WAITING) == 51, WAIT,
                    () -> "51 goroutines to park: " + rt.goroutinesByState());

            String dump = rt.goroutineDump();
            assertTrue(dump.startsWith("goroutine dump of runtime \"" + rt.name() + "\": 51 goroutines in 2 groups\n"), dump);
            assertTrue(dump.contains("\n50 goroutines waiting [sync] in CountDownLatch.await for "), dump);
            assertTrue(dump.contains("\n1 goroutine waiting [sync] in CountDownLatch.await for "), dump);
            assertTrue(dump.contains("GoroutineDumpTest.awaitQuietly"), dump);
            assertTrue(dump.contains("goroutine " + leaky.get().id() + " \"leaky\" waiting "), dump);
            assertTrue(dump.contains(", created by goroutine " + parent.id()), dump);
            assertTrue(dump.contains("...and 40 more:"), dump);
            assertEquals(parent.id(), leaky.get().parentId());
            assertEquals(0, parent.parentId(), "created outside the runtime");

            awaitCondition(() -> rt.leaks(Duration.ofSeconds(1)).contains(leaky.get()), WAIT,
                    () -> "the leaky goroutine to have waited 1 s: " + leaky.get().waitingFor());
            assertEquals(List.of(), rt.leaks(Duration.ofHours(1)));
            assertTrue(rt.leaks(Duration.ZERO).size() >= 51);

            // the runtime sat idle for 1 s: a goroutine parking now must not look that old
            GoHandle fresh = rt.go(() -> awaitQuietly(never));
            awaitCondition(() -> fresh.state() == GoroutineState.WAITING, WAIT, () -> "the fresh goroutine to park");
            Duration waited = fresh.waitingFor().orElseThrow();
            assertTrue(waited.compareTo(Duration.ofMillis(500)) < 0, () -> "a fresh park looks " + waited + " old");

            release.countDown();
            for (GoHandle g : crowd) {
                assertTrue(g.join(WAIT));
            }
            assertTrue(parent.waitingFor().isEmpty(), "a finished goroutine is not waiting");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rt.leaks(Duration.ofMillis(-1)));
            assertTrue(e.getMessage().contains("was PT-0.001S"), e.getMessage());
            never.countDown();
        }
    }

    /** The wait reason names the call the goroutine waits in, below the JDK's parking machinery. */
    @Test
    @Timeout(60)
    void waitReasonNamesTheBlockingCall() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().name(uniqueName("reason")).procs(1).build()) {
            GoHandle jdkSleep = rt.go(() -> {
                try {
                    Thread.sleep(Duration.ofHours(1));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            GoHandle goSleep = rt.go(() -> {
                try {
                    Go.sleep(Duration.ofHours(1));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            awaitCondition(() -> jdkSleep.state() == GoroutineState.WAITING && goSleep.state() == GoroutineState.WAITING,
                    WAIT, () -> "both to park");
            String dump = rt.goroutineDump();
            assertTrue(dump.contains("1 goroutine waiting [sleep] in Thread.sleep for "), dump);
            assertTrue(dump.contains("1 goroutine waiting [sleep] in Go.sleep for "), dump);
            jdkSleep.thread().interrupt();
            goSleep.thread().interrupt();
        }
    }

    /**
     * Each runtime is an MXBean while open (two of one name both register); its operations
     * give the dump and the leaks, as a JMX client would call them; close() unregisters it.
     */
    @Test
    @Timeout(60)
    void runtimeIsAnMXBeanWhileOpen() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        String name = uniqueName("jmx");
        ObjectName objectName = new ObjectName("io.goloom:type=GoRuntime,name=" + ObjectName.quote(name));
        CountDownLatch never = new CountDownLatch(1);
        try (GoRuntime rt = GoRuntime.builder().name(name).procs(1).build();
             GoRuntime twin = GoRuntime.builder().name(name).procs(1).build()) {
            GoHandle parked = rt.go("parked-for-jmx", () -> awaitQuietly(never));
            awaitCondition(() -> parked.state() == GoroutineState.WAITING, WAIT, () -> "the goroutine to park");
            ObjectName both = new ObjectName("io.goloom:type=GoRuntime,name=" + ObjectName.quote(name) + ",*");
            awaitCondition(() -> server.queryNames(both, null).size() == 2, WAIT, () -> "both runtimes to be registered (a background thread does it)");
            GoRuntimeMXBean bean = JMX.newMXBeanProxy(server, objectName, GoRuntimeMXBean.class);
            assertEquals(1, bean.getGoroutines());
            assertTrue(bean.getSchedTrace().startsWith("SCHED "), bean.getSchedTrace());
            String dump = bean.dumpGoroutines();
            assertTrue(dump.contains("\"parked-for-jmx\" waiting"), dump);
            assertTrue(bean.leaks(0).contains("goroutine " + parked.id() + " \"parked-for-jmx\" waiting"), bean.leaks(0));
            assertEquals(2, server.queryNames(new ObjectName("io.goloom:type=GoRuntime,name=" + ObjectName.quote(name) + ",*"),
                    null).size(), "both runtimes of that name registered");
            never.countDown();
        }
        assertTrue(server.queryNames(new ObjectName("io.goloom:type=GoRuntime,name=" + ObjectName.quote(name) + ",*"),
                null).isEmpty(), "close() left an MBean registered");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
