package io.goloom.bench.workload;

import javax.management.JMException;
import javax.management.ObjectName;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What this JVM holds: heap after a full collection, resident set size, a class histogram. */
public final class Memory {

    private static final Path STATUS = Path.of("/proc/self/status");

    private Memory() {
    }

    /**
     * Heap in use after full collections. {@code System.gc()} is a full, stop-the-world
     * collection on the JDK's collectors unless {@code -XX:+ExplicitGCInvokesConcurrent} or
     * {@code -XX:+DisableExplicitGC} is set; the second one collects what the first one's
     * reference processing freed. Called from a virtual thread, the collection runs on a
     * platform thread while the caller parks: a full collection outlasts goloom's
     * {@code retakeAfter}, and a carrier kept that long has its P handed to a new carrier,
     * which would show up in the very measurement.
     */
    public static long heapAfterGc() {
        if (!Thread.currentThread().isVirtual()) {
            return collectAndMeasure();
        }
        long[] heap = new long[1];
        Thread collector = Thread.ofPlatform().name("heap-after-gc").start(() -> heap[0] = collectAndMeasure());
        boolean interrupted = false;
        while (true) {
            try {
                collector.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return heap[0];
    }

    private static long collectAndMeasure() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** The resident set size in bytes ({@code VmRSS} of {@code /proc/self/status}), or -1 where there is none. */
    public static long rss() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Not Linux, or no procfs: report no value rather than a wrong one.
        }
        return -1;
    }

    /**
     * The first {@code lines} lines of the live-object class histogram ({@code jcmd GC.class_histogram},
     * which collects first), through the HotSpot diagnostic-command MBean.
     *
     * @throws UnsupportedOperationException on a JVM without that MBean
     */
    public static List<String> histogram(int lines) {
        try {
            Object text = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            return ((String) text).lines().limit(lines).toList();
        } catch (JMException e) {
            throw new UnsupportedOperationException("no class histogram in this JVM: " + e.getMessage(), e);
        }
    }
}
