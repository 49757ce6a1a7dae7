package io.goloom.bench;

import io.goloom.bench.side.Side;
import io.goloom.bench.workload.Footprint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code footprint}: parks {@code --count} goroutines on one side in this JVM and prints the
 * retained heap and resident set per goroutine; the {@code footprint} row of {@code bench} runs
 * it once per side in a fresh JVM.
 */
@Command(name = "footprint", sortOptions = false,
        description = {"Parks N goroutines on one scheduler and prints what each one costs:",
                "heap retained after a full GC and resident-set growth, per goroutine.",
                "Run it in a fresh JVM per side (bench's footprint row does)."})
final class FootprintCommand implements Callable<Integer> {

    private static final int MAX_COUNT = 10_000_000;

    @Spec
    private CommandSpec spec;

    @Option(names = "--side", required = true, paramLabel = "SIDE",
            description = "goloom or jdk (the JDK's default scheduler).")
    private String side;

    @Option(names = "--count", defaultValue = "1000000", paramLabel = "N",
            description = "Goroutines to park, 1 to " + MAX_COUNT + " (default: ${DEFAULT-VALUE}).")
    private int count;

    @Option(names = "--histogram", description = "Also print the top of the class histogram while they are parked.")
    private boolean histogram;

    @Option(names = "--timeout", defaultValue = "120", paramLabel = "SECONDS",
            description = "Give up if parking them takes longer (default: ${DEFAULT-VALUE}).")
    private int timeoutSeconds;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Override
    public Integer call() throws Exception {
        if (count < 1 || count > MAX_COUNT) {
            throw new ParameterException(spec.commandLine(),
                    "--count must be between 1 and " + MAX_COUNT + "; got " + count);
        }
        if (timeoutSeconds < 1) {
            throw new ParameterException(spec.commandLine(), "--timeout must be >= 1; got " + timeoutSeconds);
        }
        Side opened;
        try {
            opened = Side.open(side, Runtime.getRuntime().availableProcessors());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        try (Side s = opened) {
            Footprint.measure(s, count, histogram, Duration.ofSeconds(timeoutSeconds), System.out);
        }
        return 0;
    }
}
