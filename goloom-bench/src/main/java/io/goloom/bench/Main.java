package io.goloom.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The entry point of {@code goloom-bench.jar}: {@code bench} (the side-by-side comparison),
 * {@code footprint} (the cost of a parked goroutine, one side per JVM), {@code jmh} (the
 * micro-benchmarks), {@code dump} (the goroutine dump of a running JVM's runtimes) or
 * {@code trace} (a program run with an execution trace of its runtimes).
 *
 * <pre>
 * java --add-opens java.base/java.lang=ALL-UNNAMED -jar goloom-bench.jar bench --quick
 * java --add-opens java.base/java.lang=ALL-UNNAMED -jar goloom-bench.jar footprint --side goloom --histogram
 * java -jar goloom-bench.jar jmh -l
 * java -jar goloom-bench.jar dump 12345
 * java --add-opens java.base/java.lang=ALL-UNNAMED -jar goloom-bench.jar trace --cp app.jar -- com.example.Main
 * </pre>
 */
@Command(name = "goloom-bench", subcommands = {BenchCommand.class, FootprintCommand.class, JmhCommand.class, DumpCommand.class,
        TraceCommand.class},
        description = "Measures goloom against the JDK default virtual-thread scheduler and Go.")
public final class Main implements Runnable {

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: bench, footprint, jmh, dump or trace");
    }
}
