package io.goloom.sched;

import io.goloom.GoHandle;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How a runtime closes, so that no goroutine is ever stranded and none is dropped unreported.
 *
 * <h2>Lifecycle</h2>
 * Two flags of the {@link Scheduler}, each set once: {@code closing} (volatile publish) and
 * {@code terminated} (set under the lock, read anywhere).
 * <pre>
 *   state       new goroutines   a readied goroutine goes to      Ms                        timers
 *   OPEN        accepted         its P or the global queue         run, park when idle       per-P heaps, run by Ms and sysmon
 *   CLOSING     rejected         the same                          the same                  the same
 *   TERMINATED  rejected         the fallback carrier              finish the goroutine they  the after-close timer thread
 *                                                                  run, drain their P, exit
 *
 *   OPEN    -> CLOSING     // shutdown(): the first call; later calls wait for it and return what it returned
 *   CLOSING -> TERMINATED  // every goroutine ended, or the timeout passed (the rest are reported)
 * </pre>
 * {@link #shutdown}: (1) {@code closing}: no new goroutines; (2) wait for the live ones;
 * (3) report the rest; (4) {@code terminated} under the lock: the global queue and every M's P
 * are drained to a fallback carrier ({@link #runAfterClose}), idle Ms wake and exit, and every
 * later ready goes to the fallback carrier too. Timers still pending (a straggler in
 * {@code Go.sleep}) are run by a daemon after-close timer thread, which exits once every heap
 * is empty; {@code afterFunc} timers still pending are stopped and reported, since their
 * function could only be refused.
 *
 * <p>Registration is a Dekker pair with step 1: a starting goroutine is added to the live set,
 * then reads {@code closing}; shutdown sets {@code closing}, then counts the live set. So a
 * goroutine is either rejected at its start or waited for.
 */
final class Shutdown {

    private final Scheduler sched;
    private final Object lock;
    private final PrintStream diagnostics;

    /** Counted down when closing and the last goroutine ends. */
    private final CountDownLatch drained = new CountDownLatch(1);
    /** Counted down when the first shutdown has finished; later callers wait on it. */
    private final CountDownLatch shutdownDone = new CountDownLatch(1);
    /** What the first shutdown returned. Written before shutdownDone opens. */
    private volatile List<GoHandle> stragglers = List.of();
    /** Runs goroutines that become runnable after termination; created on first use. Guarded by lock. */
    private ThreadPoolExecutor afterClose;
    /** Runs timers after termination; null when it is not running. Guarded by lock. */
    private Thread timersAfterClose;

    Shutdown(Scheduler sched) {
        this.sched = sched;
        this.lock = sched.lock;
        this.diagnostics = sched.diagnostics();
    }

    /** The last live goroutine of a closing runtime ended. Any thread. */
    void drained() {
        drained.countDown();
    }

    /** Steps 1 to 4 of "Lifecycle"; see {@code GoRuntime.shutdown}. Not from a goroutine of this runtime. */
    List<GoHandle> shutdown(Duration timeout) {
        if (Thread.currentThread().isVirtual() && Current.scheduler() == sched) {
            throw new IllegalStateException("close()/shutdown() called from goroutine " + Current.g().id()
                    + " of runtime \"" + sched.name() + "\" would wait for itself; call it from outside the runtime");
        }
        if (!sched.markClosing()) {
            return awaitFirstShutdown(timeout);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        if (sched.liveGoroutines() == 0) {
            drained.countDown();
        }
        boolean interrupted = false;
        try {
            drained.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        List<G> alive = sched.allgs.snapshot();
        stragglers = List.copyOf(alive);
        try {
            terminate(alive, timeout, deadline, interrupted);
        } finally {
            shutdownDone.countDown();   // a second close() never waits for a first that failed
        }
        return stragglers;
    }

    /** Steps 3 and 4: report, then hand everything left to the fallback carrier. */
    private void terminate(List<G> alive, Duration timeout, long deadline, boolean interrupted) {
        if (!alive.isEmpty()) {
            try {
                reportAlive(alive, timeout);
            } catch (RuntimeException e) {
                // The report must not stop the shutdown: the stragglers are still returned.
                diagnostics.println("goloom: reporting the live goroutines of \"" + sched.name() + "\" failed: " + e);
            }
        }
        List<M> ms;
        IoPollers.release(sched);   // first: a poller readied once terminated is forwarded, not looped back
        synchronized (lock) {
            sched.terminated = true;
            for (G g; (g = sched.globalQueue.pop()) != null; ) {
                runAfterClose(g);
            }
            for (M m; (m = sched.idle.mget()) != null; ) {
                LockSupport.unpark(m);
            }
            ms = sched.idle.allm();
        }
        for (M m : ms) {
            LockSupport.unpark(m);   // Ms waiting for their locked goroutine are on no idle list
        }
        sched.sysmon.wakeToExit();
        dropPendingFuncs();
        wakeTimersAfterClose();
        // Ms finish the goroutine they are running (it parks or ends), drain their P and exit.
        long graceNanos = Math.max(deadline - System.nanoTime(), TimeUnit.SECONDS.toNanos(1));
        long joinDeadline = System.nanoTime() + graceNanos;
        for (M m : ms) {
            try {
                long left = joinDeadline - System.nanoTime();
                if (left > 0) {      // every M of allm is started (newm starts it under the lock)
                    m.join(Duration.ofNanos(left));
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        // Queued work left on Ps nobody will run: an idle P handed off while no M was free,
        // and the P of an M still stuck in a goroutine after the joins (taken from it; the
        // stuck goroutine's later readies then fail enterOp and go to the fallback carrier).
        synchronized (lock) {
            for (P pp : sched.allp) {
                M stuck = pp.mountedBy();
                if (pp.isIdle() || (stuck != null && pp.retake(stuck))) {
                    pp.drain(this::runAfterClose);
                }
            }
        }
        Thread sysmonThread = sched.sysmon.thread();
        if (sysmonThread != null) {
            try {
                sysmonThread.join(Duration.ofNanos(Math.max(1, joinDeadline - System.nanoTime())));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** A second close(): waits (bounded) for the first to finish and returns what it returned. */
    private List<GoHandle> awaitFirstShutdown(Duration timeout) {
        try {
            shutdownDone.await(timeout.toNanos() + TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return stragglers;
    }

    private void reportAlive(List<G> alive, Duration waited) {
        StringBuilder sb = new StringBuilder();
        sb.append("goloom: runtime \"").append(sched.name()).append("\" closed after waiting ").append(waited)
                .append(" with ").append(alive.size()).append(" goroutine(s) still alive; they will keep")
                .append(" running on a fallback carrier thread if they wake:\n");
        long now = System.nanoTime();
        for (G g : alive) {
            sb.append(g).append(", created ").append((now - g.createdNanos) / 1_000_000).append(" ms ago")
                    .append(g.lastP < 0 ? ", never ran" : ", last ran on P" + g.lastP)
                    .append('\n');
            for (StackTraceElement e : g.thread().getStackTrace()) {
                sb.append("\tat ").append(e).append('\n');
            }
        }
        diagnostics.print(sb);
        diagnostics.flush();
    }

    /** Runs {@code g} on the fallback carrier. After termination only. */
    void runAfterClose(G g) {
        if (g.system() && VirtualThreads.JDK.schedulerOf(g.thread()) != g) {
            // A JDK poller: its thread's scheduler is the default one now (IoPollers.release),
            // or a later runtime's; this submit read the old one.
            VirtualThreads.JDK.schedulerOf(g.thread()).execute(g.cont);
            return;
        }
        ThreadPoolExecutor ex;
        synchronized (lock) {
            ex = afterClose;
            if (ex == null) {
                ex = new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                        r -> new FallbackCarrier(sched.name() + "-after-close", r));
                afterClose = ex;
            }
        }
        ex.execute(() -> ((FallbackCarrier) Thread.currentThread()).run(g));
    }

    /** The carrier of goroutines that run after termination; see "Lifecycle". */
    final class FallbackCarrier extends Thread {
        /** The goroutine mounted now, for {@link Current#g()}. Written and read on this thread. */
        G curg;

        FallbackCarrier(String name, Runnable task) {
            super(null, task, name, 0, false);
            setDaemon(true);
        }

        void run(G g) {
            g.markRunning();
            curg = g;
            try {
                g.cont.run();
            } finally {
                curg = null;
            }
            if (!g.thread().isAlive()) {
                sched.goexit(g);
            }
        }
    }

    // ---- timers after termination ----

    /**
     * At termination: an {@code afterFunc} timer still pending could only fire to be refused
     * (no new goroutines), and would keep the after-close timer thread, and this runtime, alive
     * until it is due. Stops them and says so now.
     */
    private void dropPendingFuncs() {
        List<Timer> dropped = new ArrayList<>();
        for (P pp : sched.allp) {
            pp.timers.forEachLive(t -> {
                if (t.isFunc() && t.stop()) {
                    dropped.add(t);
                }
            });
        }
        if (!dropped.isEmpty()) {
            diagnostics.println("goloom: runtime \"" + sched.name() + "\" closed with " + dropped.size()
                    + " afterFunc timer(s) pending; their functions will not run: "
                    + dropped.subList(0, Math.min(10, dropped.size())) + (dropped.size() > 10 ? " ..." : ""));
        }
    }

    /**
     * Starts (or wakes) the thread that runs timers after termination, if any is pending: a
     * goroutine sleeping then wakes on the fallback carrier, as after any other ready.
     */
    void wakeTimersAfterClose() {
        synchronized (lock) {
            if (timersAfterClose != null) {
                LockSupport.unpark(timersAfterClose);
            } else if (anyTimers()) {
                timersAfterClose = new Thread(null, this::runTimersAfterClose, sched.name() + "-timers-after-close",
                        0, false);
                timersAfterClose.setDaemon(true);
                timersAfterClose.start();
            }
        }
    }

    /** The after-close timer thread: runs every P's heap until all are empty, then exits. */
    private void runTimersAfterClose() {
        for (;;) {
            long now = System.nanoTime();
            long next = TimerHeap.NONE;
            for (P pp : sched.allp) {
                pp.timers.run(now);
                long e = pp.timers.earliest();
                if (e != TimerHeap.NONE && (next == TimerHeap.NONE || e - next < 0)) {
                    next = e;
                }
            }
            if (next != TimerHeap.NONE && anyTimers()) {
                LockSupport.parkNanos(this, next - now);
                continue;
            }
            synchronized (lock) {
                if (!anyTimers()) {   // a push after this sees the field null and starts a new thread
                    timersAfterClose = null;
                    return;
                }
            }
        }
    }

    /** Whether a live timer is left (zombies are swept on the way). */
    private boolean anyTimers() {
        boolean live = false;
        for (P pp : sched.allp) {
            live |= pp.timers.earliest() != TimerHeap.NONE && pp.timers.sweepAndCheckLive();
        }
        return live;
    }
}
