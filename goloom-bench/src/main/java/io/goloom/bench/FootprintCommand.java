package io.goloom.bench;

import io.goloom.bench.side.Side;
import io.goloom.bench.workload.Footprint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code footprint}: parks {@code --count} goroutines on one side in this JVM and prints the
 * retained heap and resident set per goroutine; the {@code footprint} row of {@code bench} runs
 * it once per side in a fresh JVM.
 */
@Command(name = "footprint", sortOptions = false,
        description = {"Parks N goroutines on one scheduler and prints what each one costs.",
                "%nPrints the heap retained after a full GC and the resident-set growth, per goroutine. Run it"
                        + " in a fresh JVM per side, as the footprint row of bench does.%n"})
final class FootprintCommand implements Callable<Integer>, Validated {

    private static final int MAX_COUNT = 10_000_000, MAX_TIMEOUT = 3600;

    @Option(names = "--side", required = true, paramLabel = "SIDE",
            description = "goloom or jdk (the JDK's default scheduler).")
    private String side;

    @Option(names = "--count", defaultValue = "1000000", paramLabel = "N",
            description = "Goroutines to park, 1 to " + MAX_COUNT + " (default: ${DEFAULT-VALUE}).")
    private int count;

    @Option(names = "--histogram", description = "Also print the top of the class histogram while they are parked.")
    private boolean histogram;

    @Option(names = "--timeout", defaultValue = "120", paramLabel = "SECONDS",
            description = "Give up if parking them takes longer, 1 to " + MAX_TIMEOUT + " (default: ${DEFAULT-VALUE}).")
    private int timeoutSeconds;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Override
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (side != null && !side.equals(Side.GOLOOM) && !side.equals(Side.JDK)) {
            problems.add("--side must be " + Side.GOLOOM + " or " + Side.JDK + ", was '" + side + "'");
        }
        if (count < 1 || count > MAX_COUNT) {
            problems.add("--count must be 1 to " + MAX_COUNT + ", was " + count);
        }
        if (timeoutSeconds < 1 || timeoutSeconds > MAX_TIMEOUT) {
            problems.add("--timeout must be 1 to " + MAX_TIMEOUT + ", was " + timeoutSeconds);
        }
        return problems;
    }

    @Override
    public Integer call() throws Exception {
        try (Side s = Side.open(side, Runtime.getRuntime().availableProcessors())) {
            Footprint.measure(s, count, histogram, Duration.ofSeconds(timeoutSeconds), System.out);
        }
        return 0;
    }
}
