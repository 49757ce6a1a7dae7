package io.goloom.bench.http;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * What a process has cost so far, from Linux's {@code /proc}: CPU time ({@code utime + stime}
 * of {@code /proc/<pid>/stat}, in clock ticks) and context switches (the sum of
 * {@code voluntary_ctxt_switches} and {@code nonvoluntary_ctxt_switches} over
 * {@code /proc/<pid>/task/*}/status). The row reports deltas over its measured phase. A thread
 * that exits during the phase takes its switches out of the sum; the servers' carriers,
 * selectors and pool threads live through the whole phase, so none does in practice.
 *
 * @param cpuTicks   user plus system time, in ticks of {@link #CLOCK_TICKS_PER_SECOND}
 * @param ctxSwitches voluntary plus involuntary context switches of all its threads
 */
record ProcStats(long cpuTicks, long ctxSwitches) {

    /** {@code getconf CLK_TCK}: 100 on every Linux this runs on, read once. */
    static final long CLOCK_TICKS_PER_SECOND = clockTicks();

    /** The counters of process {@code pid} now. */
    static ProcStats of(long pid) throws IOException {
        Path proc = Path.of("/proc", Long.toString(pid));
        String stat = Files.readString(proc.resolve("stat"));
        // The command name, in parentheses, may hold spaces: the fields start after the last ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);  // utime, stime (fields 14, 15)
        long switches = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(proc.resolve("task"))) {
            for (Path task : tasks) {
                try {
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                            switches += Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
                        }
                    }
                } catch (NoSuchFileException exited) {
                    // the thread ended between the listing and the read
                }
            }
        }
        return new ProcStats(ticks, switches);
    }

    /** What was spent since {@code before}. */
    ProcStats minus(ProcStats before) {
        return new ProcStats(cpuTicks - before.cpuTicks, ctxSwitches - before.ctxSwitches);
    }

    /** CPU time in microseconds. */
    double cpuMicros() {
        return cpuTicks * 1e6 / CLOCK_TICKS_PER_SECOND;
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            return p.waitFor() == 0 ? Long.parseLong(out) : 100;
        } catch (IOException | NumberFormatException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
