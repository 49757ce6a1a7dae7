package io.goloom.sched;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.ScheduledExecutorService;

/**
 * {@link VirtualThreads} on JDK 25, through package-private members of {@code java.lang}
 * (verified against the JDK 25.0.3 sources; see {@code shared/reference/java-vt-custom-scheduler.md}):
 * <ul>
 *   <li>{@code VirtualThread(Executor scheduler, String name, int characteristics, Runnable task)}
 *       the constructor the JDK's own {@code ThreadBuilders} uses;
 *   <li>{@code VirtualThread.runContinuation}: the {@code Runnable} given to the scheduler;
 *   <li>the single captured field of that {@code Runnable} (a bound method reference to
 *       {@code VirtualThread::runContinuation}): its thread;
 *   <li>{@code Thread.currentCarrierThread()}, an intrinsic;
 *   <li>{@code VirtualThread.scheduler}, read and (for an adopted thread) written, and
 *       {@code VirtualThread.defaultScheduler()};
 *   <li>{@code VirtualThread.DelayedTaskSchedulers.INSTANCE}, whose executors {@link JdkTimeouts} wraps;
 *   <li>{@code ForkJoinWorkerThread.workQueue} and its {@code top}, the spin hint
 *       ({@link #spinHintOf}): {@code java.util.concurrent} is opened to goloom for it, through
 *       {@code Module.implAddOpens}, which the {@code java.lang} flag already reaches. Without
 *       it the hint is off and the JDK's queues spin on goloom's carriers as before.
 * </ul>
 * Handles are looked up once, into {@code static final} fields so the JIT inlines them. When a
 * lookup fails the class still loads: {@link #PROBLEM} says what is wrong and
 * {@link VirtualThreads#checkAvailable()} throws it before any runtime is built.
 */
final class JdkVirtualThreads implements VirtualThreads {

    static final JdkVirtualThreads INSTANCE = new JdkVirtualThreads();

    private static final MethodHandle NEW_THREAD;          // (Executor, String, int, Runnable) -> Thread
    private static final MethodHandle RUN_CONTINUATION;    // (Thread) -> Runnable
    private static final MethodHandle CONTINUATION_THREAD; // (Runnable) -> Thread
    private static final MethodHandle CURRENT_CARRIER;     // () -> Thread
    private static final MethodHandle SCHEDULER;           // (Thread) -> Executor
    private static final MethodHandle SET_SCHEDULER;       // (Thread, Executor) -> void
    private static final MethodHandle DEFAULT_SCHEDULER;   // () -> Executor
    /** (Object workQueue, int top) -> void, or null when the spin hint is off. */
    private static final MethodHandle SET_QUEUE_TOP;
    /** (ForkJoinWorkerThread) -> Object, its workQueue, or null when the spin hint is off. */
    private static final MethodHandle WORK_QUEUE;
    /** See {@link #carrierPool()}: parallelism 1, never given a task, so it starts no thread. */
    private static final ForkJoinPool CARRIER_POOL = new ForkJoinPool(1);
    /** The class of every virtual thread's {@code runContinuation}, or null when unavailable. */
    private static final Class<?> CONTINUATION_CLASS;

    /** Null when goloom can run here, otherwise what is wrong and how to fix it. */
    static final String PROBLEM;

    static {
        MethodHandle newThread = null, runCont = null, contThread = null, carrier = null;
        MethodHandle scheduler = null, setScheduler = null, defaultScheduler = null;
        MethodHandle setQueueTop = null, workQueue = null;
        Class<?> contClass = null;
        String problem = null;
        int feature = Runtime.version().feature();
        if (feature < 25) {
            problem = "goloom needs JDK 25 or later; this JVM is " + Runtime.version()
                    + " (" + System.getProperty("java.home") + "). Install a JDK 25, e.g. Temurin 25.";
        } else {
            try {
                Class<?> vt = Class.forName("java.lang.VirtualThread");
                MethodHandles.Lookup vtLookup = MethodHandles.privateLookupIn(vt, MethodHandles.lookup());
                newThread = vtLookup.findConstructor(vt, MethodType.methodType(
                                void.class, Executor.class, String.class, int.class, Runnable.class))
                        .asType(MethodType.methodType(Thread.class, Executor.class, String.class, int.class, Runnable.class));
                runCont = vtLookup.findGetter(vt, "runContinuation", Runnable.class)
                        .asType(MethodType.methodType(Runnable.class, Thread.class));
                carrier = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup())
                        .findStatic(Thread.class, "currentCarrierThread", MethodType.methodType(Thread.class));
                contThread = findContinuationThread(newThread, runCont);
                Field schedulerField = vt.getDeclaredField("scheduler");
                schedulerField.setAccessible(true);   // final: writable through reflection when accessible
                scheduler = vtLookup.unreflectGetter(schedulerField)
                        .asType(MethodType.methodType(Executor.class, Thread.class));
                setScheduler = vtLookup.unreflectSetter(schedulerField)
                        .asType(MethodType.methodType(void.class, Thread.class, Executor.class));
                defaultScheduler = vtLookup.findStatic(vt, "defaultScheduler", MethodType.methodType(Executor.class));
                contClass = ((Runnable) runCont.invokeExact(newProbe(newThread))).getClass();
                spreadJdkTimers();
                Class<?> delayed = Class.forName("java.lang.VirtualThread$DelayedTaskSchedulers");
                ScheduledExecutorService[] timerQueues = (ScheduledExecutorService[]) MethodHandles
                        .privateLookupIn(delayed, MethodHandles.lookup())
                        .findStaticGetter(delayed, "INSTANCE", ScheduledExecutorService[].class).invoke();
                JdkTimeouts.install(timerQueues);
                try {
                    MethodHandle[] hint = spinHintHandles();
                    workQueue = hint[0];
                    setQueueTop = hint[1];
                } catch (Throwable e) {
                    // The hint is an optimisation: without it (both handles null) goroutines
                    // spin as they did.
                }
            } catch (IllegalAccessException | InaccessibleObjectException e) {
                problem = "goloom needs the JVM flag " + requiredFlag() + " to give virtual threads its own"
                        + " scheduler (JDK 25 has no public API for it). Add it to the java command line,"
                        + " to Surefire's argLine, or to an executable JAR's manifest as"
                        + " 'Add-Opens: java.base/java.lang'" + (JdkVirtualThreads.class.getModule().isNamed()
                                ? " (goloom is the named module " + JdkVirtualThreads.class.getModule().getName()
                                        + " here, on the module path: ALL-UNNAMED opens java.lang to the class path only)"
                                : "") + ". (" + e.getMessage() + ")";
            } catch (Throwable e) {
                problem = "goloom cannot use this JDK's virtual-thread internals (" + Runtime.version()
                        + "): " + e + ". goloom is built and tested against JDK 25.";
            }
        }
        NEW_THREAD = newThread;
        RUN_CONTINUATION = runCont;
        CONTINUATION_THREAD = contThread;
        CURRENT_CARRIER = carrier;
        SCHEDULER = scheduler;
        SET_SCHEDULER = setScheduler;
        DEFAULT_SCHEDULER = defaultScheduler;
        CONTINUATION_CLASS = contClass;
        WORK_QUEUE = workQueue;
        SET_QUEUE_TOP = setQueueTop;
        PROBLEM = problem;
    }

    private JdkVirtualThreads() {
    }

    /** The scheduler and task of {@link #newProbe}; never called. A class: "Start-up" in package-info. */
    private static final class Probe implements Executor, Runnable {
        @Override
        public void execute(Runnable command) {
        }

        @Override
        public void run() {
        }
    }

    /** A virtual thread that is never started, to look at what the JDK builds. */
    private static Thread newProbe(MethodHandle newThread) throws Throwable {
        Probe probe = new Probe();
        return (Thread) newThread.invokeExact((Executor) probe, "goloom-probe", 0, (Runnable) probe);
    }

    /** The flag that opens {@code java.lang} to goloom, on the class path or the module path. */
    static String requiredFlag() {
        Module m = JdkVirtualThreads.class.getModule();
        return "--add-opens java.base/java.lang=" + (m.isNamed() ? m.getName() : "ALL-UNNAMED");
    }

    /**
     * Finds the getter of the thread captured by the {@code runContinuation} method reference,
     * from a probe thread that is never started.
     */
    private static MethodHandle findContinuationThread(MethodHandle newThread, MethodHandle runCont)
            throws Throwable {
        Thread probe = newProbe(newThread);
        Runnable cont = (Runnable) runCont.invokeExact(probe);
        Class<?> contClass = cont.getClass();
        for (Field f : contClass.getDeclaredFields()) {
            if (Thread.class.isAssignableFrom(f.getType())) {
                MethodHandle getter = MethodHandles.privateLookupIn(contClass, MethodHandles.lookup())
                        .unreflectGetter(f)
                        .asType(MethodType.methodType(Thread.class, Runnable.class));
                if ((Thread) getter.invokeExact(cont) != probe) {
                    break;
                }
                return getter;
            }
        }
        throw new IllegalStateException("VirtualThread.runContinuation does not capture its thread in "
                + contClass);
    }

    /**
     * The handles of the spin hint: {@code ForkJoinWorkerThread.workQueue}'s getter and
     * {@code WorkQueue.top}'s setter, after opening {@code java.util.concurrent} to goloom.
     * {@code hasKnownQueuedWork()} reads {@code top - base > 0} of the carrier's queue (the
     * pool's queues are all empty, and a queue never registered has {@code source} 0); nothing
     * else ever reads this queue, since the pool has no worker and no task.
     */
    private static MethodHandle[] spinHintHandles() throws Throwable {
        MethodHandle addOpens = MethodHandles.privateLookupIn(Module.class, MethodHandles.lookup())
                .findVirtual(Module.class, "implAddOpens", MethodType.methodType(void.class, String.class, Module.class));
        addOpens.invokeExact(Object.class.getModule(), "java.util.concurrent", JdkVirtualThreads.class.getModule());
        Class<?> queueClass = Class.forName("java.util.concurrent.ForkJoinPool$WorkQueue");
        MethodHandles.Lookup fjwt = MethodHandles.privateLookupIn(ForkJoinWorkerThread.class, MethodHandles.lookup());
        MethodHandle workQueue = fjwt.findGetter(ForkJoinWorkerThread.class, "workQueue", queueClass)
                .asType(MethodType.methodType(Object.class, ForkJoinWorkerThread.class));
        MethodHandle setTop = MethodHandles.privateLookupIn(queueClass, MethodHandles.lookup())
                .findSetter(queueClass, "top", int.class)
                .asType(MethodType.methodType(void.class, Object.class, int.class));
        return new MethodHandle[] {workQueue, setTop};
    }

    /** The JDK property naming how many timer queues serve custom-scheduled virtual threads. */
    static final String TIMER_QUEUES_PROPERTY = "jdk.virtualThreadScheduler.timerQueues";

    /**
     * Timed parks of virtual threads with a custom scheduler ({@code Thread.sleep},
     * {@code parkNanos}, timed waits) go to {@code VirtualThread.DelayedTaskSchedulers}:
     * {@code max(highestOneBit(ncpus/4), 1)} single-thread {@code ScheduledThreadPoolExecutor}s,
     * chosen by the id of the parking carrier. On 2 cores that is one thread for every timer of
     * the JVM, and it caps {@code Thread.sleep} wake-ups at ~0.65 M/s here; two queues give
     * 1.0-1.15 M/s (the JDK's own scheduler, which has its own delay queue: 1.0-1.4 M/s). So
     * unless the user chose a value, goloom asks for {@code highestOneBit(max(2, ncpus/2))}.
     * It must be set before the JDK reads it, on the first timed park of a custom-scheduled
     * virtual thread, and only goloom creates those, after this runs.
     */
    private static void spreadJdkTimers() {
        if (System.getProperty(TIMER_QUEUES_PROPERTY) == null) {
            int ncpus = Runtime.getRuntime().availableProcessors();
            System.setProperty(TIMER_QUEUES_PROPERTY, Integer.toString(Integer.highestOneBit(Math.max(2, ncpus / 2))));
        }
    }

    @Override
    public Thread newThread(Executor scheduler, String name, Runnable task) {
        try {
            return (Thread) NEW_THREAD.invokeExact(scheduler, name, 0, task);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    @Override
    public Runnable continuationOf(Thread vthread) {
        try {
            return (Runnable) RUN_CONTINUATION.invokeExact(vthread);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    @Override
    public boolean isContinuation(Runnable r) {
        return r != null && r.getClass() == CONTINUATION_CLASS;
    }

    @Override
    public Thread threadOf(Runnable continuation) {
        try {
            return (Thread) CONTINUATION_THREAD.invokeExact(continuation);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    @Override
    public Executor schedulerOf(Thread vthread) {
        try {
            return (Executor) SCHEDULER.invokeExact(vthread);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /**
     * Writes the thread's {@code final} field {@code scheduler} (deep reflection allows it on an
     * accessible instance field). Correct whichever value a submit reads: a read that still
     * sees the old scheduler reaches a goroutine that forwards to the new one
     * ({@link Scheduler#readyForeign}).
     */
    @Override
    public void setScheduler(Thread vthread, Executor scheduler) {
        try {
            SET_SCHEDULER.invokeExact(vthread, scheduler);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    @Override
    public Executor defaultScheduler() {
        try {
            return (Executor) DEFAULT_SCHEDULER.invokeExact();
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    @Override
    public Thread currentCarrierThread() {
        if (CURRENT_CARRIER == null) {
            // No access to the JDK's internals, so no goloom runtime in this JVM: callers only
            // ask whether the carrier is an M, and goloom's channels must work without one.
            return Thread.currentThread();
        }
        try {
            return (Thread) CURRENT_CARRIER.invokeExact();
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    @Override
    public ForkJoinPool carrierPool() {
        return CARRIER_POOL;
    }

    @Override
    public Object spinHintOf(ForkJoinWorkerThread carrier) {
        if (WORK_QUEUE == null) {
            return null;
        }
        try {
            return (Object) WORK_QUEUE.invokeExact(carrier);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    @Override
    public void setQueuedWork(Object hint, boolean queued) {
        try {
            SET_QUEUE_TOP.invokeExact(hint, queued ? 1 : 0);   // base stays 0: nobody polls it
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    private static RuntimeException rethrow(Throwable e) {
        if (e instanceof RuntimeException re) {
            throw re;
        }
        if (e instanceof Error err) {
            throw err;
        }
        throw new IllegalStateException(e);
    }
}
