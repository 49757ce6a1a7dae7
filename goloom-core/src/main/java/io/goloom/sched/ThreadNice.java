package io.goloom.sched;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Linux per-thread nice values, through the FFM API: how sysmon demotes the carrier of a
 * goroutine whose P it retook, so that the OS gives the CPU to the carriers that hold Ps
 * (see "Demoted carriers" in {@link Sysmon}). On Linux {@code setpriority(PRIO_PROCESS, tid, n)}
 * sets one thread's nice value. Making a thread nicer is always allowed; making it less nice
 * again, as a carrier that returns to the schedule loop must, needs {@code CAP_SYS_NICE} or an
 * {@code RLIMIT_NICE} ({@code ulimit -e}) that allows it, so {@link #open} tries both once
 * and refuses, saying why, where the OS does.
 *
 * <p>Calls are rare (one per hand-off, one per return), so each allocates its errno capture in
 * a confined arena of its own. Stateless after {@link #open}: any thread.
 */
final class ThreadNice {

    private static final int PRIO_PROCESS = 0;
    private static final int EPERM = 1, EACCES = 13;

    private final MethodHandle gettid;
    private final MethodHandle setpriority;
    private final MethodHandle getpriority;
    private final StructLayout captureLayout;
    private final VarHandle errno;

    private ThreadNice(MethodHandle gettid, MethodHandle setpriority, MethodHandle getpriority,
                       StructLayout captureLayout, VarHandle errno) {
        this.gettid = gettid;
        this.setpriority = setpriority;
        this.getpriority = getpriority;
        this.captureLayout = captureLayout;
        this.errno = errno;
    }

    /**
     * Binds {@code gettid} and {@code setpriority} from the C library, then, on a thread of its
     * own, makes that thread nicer by one and back.
     *
     * @throws UnsupportedOperationException saying why this OS or this process cannot demote
     *         and restore a thread
     */
    static ThreadNice open() {
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            throw new UnsupportedOperationException("per-thread nice values are Linux's; this is "
                    + System.getProperty("os.name"));
        }
        if (!ThreadNice.class.getModule().isNativeAccessEnabled()) {
            // Checked first: the JDK would only warn, on the first call, and name no option of ours.
            throw new UnsupportedOperationException("native access is not enabled for goloom: run the JVM with"
                    + " --enable-native-access=ALL-UNNAMED (=io.goloom on the module path)");
        }
        ThreadNice nice;
        try {
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            StructLayout capture = Linker.Option.captureStateLayout();
            MethodHandle gettid = linker.downcallHandle(find(libc, "gettid"), FunctionDescriptor.of(JAVA_INT));
            MethodHandle setpriority = linker.downcallHandle(find(libc, "setpriority"),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), Linker.Option.captureCallState("errno"));
            MethodHandle getpriority = linker.downcallHandle(find(libc, "getpriority"),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
            nice = new ThreadNice(gettid, setpriority, getpriority, capture,
                    capture.varHandle(MemoryLayout.PathElement.groupElement("errno")));
        } catch (IllegalCallerException e) {   // --illegal-native-access=deny
            throw new UnsupportedOperationException("native access is denied to goloom: " + e.getMessage(), e);
        }
        String[] refused = new String[1];
        CountDownLatch probed = new CountDownLatch(1);   // written before the count-down, read after the await
        Thread.ofPlatform().name("goloom-nice-probe").start(() -> {
            try {
                int tid = nice.tid(), base = nice.get(tid);
                int err = nice.set(tid, Math.min(base + 1, Config.MAX_NICE));
                if (err == 0) {
                    err = nice.set(tid, base);
                }
                if (err != 0) {
                    refused[0] = describe(err);
                }
            } finally {
                probed.countDown();
            }
        });
        Uninterruptibly.await(probed);
        if (refused[0] != null) {
            throw new UnsupportedOperationException(refused[0]);
        }
        return nice;
    }

    private static MemorySegment find(SymbolLookup libc, String name) {
        Optional<MemorySegment> s = libc.find(name);
        return s.orElseThrow(() -> new UnsupportedOperationException("the C library has no " + name + "()"));
    }

    private static String describe(int err) {
        return err == EPERM || err == EACCES
                ? "the OS refused to restore a thread's nice value (errno " + err + "): that needs CAP_SYS_NICE or"
                        + " RLIMIT_NICE (ulimit -e) of at least 20"
                : "setpriority failed with errno " + err;
    }

    /** The calling thread's Linux thread id. */
    int tid() {
        try {
            return (int) gettid.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("gettid() failed", t);
        }
    }

    /** Thread {@code tid}'s nice value (-20 to 19; {@code tid} is a live thread of this process). */
    int get(int tid) {
        try {
            return (int) getpriority.invokeExact(PRIO_PROCESS, tid);
        } catch (Throwable t) {
            throw new IllegalStateException("getpriority(" + tid + ") failed", t);
        }
    }

    /** Sets thread {@code tid}'s nice value; returns 0, or the errno the OS refused with. */
    int set(int tid, int nice) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(captureLayout);
            int rc = (int) setpriority.invokeExact(state, PRIO_PROCESS, tid, nice);
            return rc == 0 ? 0 : (int) errno.get(state, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException("setpriority(" + tid + ", " + nice + ") failed", t);
        }
    }
}
