package io.goloom.sched;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The JDK's I/O pollers, hosted by one open runtime as system goroutines (Go's netpoller runs
 * on its Ms; this is the nearest JDK 25 allows).
 *
 * <p>On Linux JDK 25 runs its pollers as virtual threads ({@code jdk.pollerMode=2}), started by
 * {@code sun.nio.ch.Poller}'s static initializer with {@code Thread.ofVirtual()}, so they inherit
 * the scheduler of whichever thread initialises that class. A sub-poller polls without blocking
 * while it finds events, readies the threads whose sockets are ready and yields; only when idle
 * does it park on the master poller (a platform thread in {@code epoll_wait}). On goloom's
 * carriers a busy server then passes readiness from poller to goroutine in user space, through
 * the P's queues. Left on the JDK's default scheduler, the pollers were a second set of carriers
 * between sockets and goloom's, and each readiness cost OS thread wake-ups: a loopback
 * request/reply over 50 connections ran at 48k messages/s with 1.1 M context switches, against
 * 90-100k and 20k hosted here, and the JDK's own 100-110k (docs/PERFORMANCE.md, "I/O pollers").
 *
 * <p>The first runtime built initialises the class from a system goroutine ({@link #startIn});
 * the pollers it starts are adopted as system goroutines ({@link Scheduler#readyForeign}):
 * not counted, not in dumps, not waited for at close. Until that has finished no other
 * goroutine is created ({@link #awaitStarted}), so that a user goroutine's first socket read
 * cannot start the pollers as ordinary goroutines that never end. When the hosting runtime
 * terminates it gives them back to the JDK's default scheduler ({@link #release}); the next
 * runtime built takes them over. If the program did socket I/O before building a runtime, the
 * pollers already run on the default scheduler (or on platform threads, with
 * {@code jdk.pollerMode=1}), and there they stay.
 *
 * <p>Every switch of scheduler goes through {@link VirtualThreads#setScheduler}: a submit that
 * read the old scheduler still works, because the goroutine it reaches forwards it
 * ({@code Shutdown.runAfterClose} for a terminated host).
 */
final class IoPollers {

    private static final String POLLER_CLASS = "sun.nio.ch.Poller";

    /** Opened once the poller class is initialised, by whichever thread did it. */
    private static final CountDownLatch STARTED = new CountDownLatch(1);
    /** Set with {@link #STARTED}: the fast path of {@link #awaitStarted}. Volatile publish. */
    private static volatile boolean started;

    /** Whether a runtime has begun the initialisation. Guarded by the class. */
    private static boolean initialising;
    /** The pollers' virtual threads, as they were adopted. Guarded by the class. */
    private static final List<Thread> THREADS = new ArrayList<>();
    /** The runtime hosting them, or null while they run on the JDK's default scheduler. Guarded by the class. */
    private static Scheduler host;

    private IoPollers() {
    }

    /**
     * Called once per runtime, right after it is built: the first one initialises the pollers
     * in a system goroutine of its own; a later one takes them over if nobody hosts them.
     */
    static synchronized void startIn(Scheduler sched) {
        if (!initialising) {
            initialising = true;
            host = sched;
            sched.goSystem("goloom-io-init", new Runnable() {   // not a lambda: "Start-up" in package-info
                @Override
                public void run() {
                    initialise();
                }
            });
        } else if (host == null) {
            hostIn(sched);
        }
    }

    /** In the system goroutine: the pollers it starts inherit it, and are adopted as system goroutines. */
    private static void initialise() {
        try {
            Class.forName(POLLER_CLASS, true, null);
        } catch (ClassNotFoundException | LinkageError e) {
            // Another JDK's I/O layer: nothing to host, nothing to report.
        } finally {
            started = true;
            STARTED.countDown();
        }
    }

    /** Before a goroutine is created: the pollers' start has finished. Cheap once it has. */
    static void awaitStarted() {
        if (started) {
            return;
        }
        Uninterruptibly.await(STARTED);   // a class initialisation cannot be abandoned halfway
    }

    /** {@link Scheduler#readyForeign} adopted {@code poller}, started by a system goroutine of {@code sched}. */
    static synchronized void adopted(Thread poller) {
        THREADS.add(poller);
    }

    /** The pollers' threads adopted so far, for tests and diagnostics. */
    static synchronized List<Thread> threads() {
        return List.copyOf(THREADS);
    }

    /** The hosting runtime terminated: the pollers go back to the JDK's default scheduler. */
    static synchronized void release(Scheduler sched) {
        if (host != sched) {
            return;
        }
        host = null;
        for (Thread t : THREADS) {
            VirtualThreads.JDK.setScheduler(t, VirtualThreads.JDK.defaultScheduler());
        }
    }

    /** {@code sched} takes the pollers over: each gets a system goroutine of it as its scheduler. */
    private static void hostIn(Scheduler sched) {
        if (THREADS.isEmpty()) {
            return;
        }
        host = sched;
        for (Thread t : THREADS) {
            VirtualThreads.JDK.setScheduler(t, sched.newSystemG(VirtualThreads.JDK.continuationOf(t)));
        }
    }
}
