package io.goloom.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * What the numbers were measured on: printed above the table and written into the JSON, since
 * these machines are shared and absolute figures only mean something next to it.
 *
 * @param cores     {@link Runtime#availableProcessors()}
 * @param cpu       the CPU model from {@code /proc/cpuinfo}, or "unknown"
 * @param os        name, version and architecture
 * @param jdk       runtime version and VM name
 * @param maxHeapMb the JVM's maximum heap
 * @param go        {@code go version} output and the tool's path, or why there is no Go column
 * @param date      when the run started, ISO-8601 with offset
 */
public record Machine(int cores, String cpu, String os, String jdk, long maxHeapMb, String go, String date) {

    /** This machine; {@code go} says which Go toolchain the Go column uses, or why there is none. */
    public static Machine detect(String go) {
        return new Machine(Runtime.getRuntime().availableProcessors(), cpuModel(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"),
                Runtime.version() + " (" + System.getProperty("java.vm.name") + ", "
                        + System.getProperty("java.vm.vendor") + ")",
                Runtime.getRuntime().maxMemory() >> 20,
                go,
                ZonedDateTime.now().truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    }

    /** The header lines printed above the table. */
    public List<String> describe() {
        return List.of(
                "machine: " + cores + " cores, " + cpu + ", " + os,
                "jdk: " + jdk + ", max heap " + maxHeapMb + " MiB",
                "go: " + go,
                "date: " + date);
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).strip())
                    .findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
