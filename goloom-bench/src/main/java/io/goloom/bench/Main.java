package io.goloom.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The entry point of {@code goloom-bench.jar}, run by the {@code ./goloom} launcher:
 * {@code bench} (the side-by-side comparison), {@code footprint} (the cost of a parked
 * goroutine, one side per JVM), {@code jmh} (the micro-benchmarks), {@code dump} (the goroutine
 * dump of a running JVM's runtimes) or {@code trace} (a program run with an execution trace of
 * its runtimes).
 *
 * <pre>
 * ./goloom bench --quick
 * ./goloom footprint --side goloom --histogram
 * ./goloom jmh -l
 * ./goloom dump 12345
 * ./goloom trace --cp app.jar -- com.example.Main
 * </pre>
 *
 * <p>Bad arguments exit with 2 after one line per problem: picocli collects what it cannot
 * parse instead of stopping at the first, and a {@link Validated} command adds what it rejects.
 */
@Command(name = "./goloom", subcommands = {BenchCommand.class, FootprintCommand.class, JmhCommand.class,
        DumpCommand.class, TraceCommand.class},
        description = "Measures goloom against the JDK default virtual-thread scheduler and Go.")
public final class Main implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with goloom's help width, error collection and error format. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        // As wide as the terminal, 80 columns without one.
        cl.setUsageHelpAutoWidth(true);
        collectErrors(cl);
        cl.setExecutionStrategy(Main::execute);
        // A ParameterException that a command throws while it runs: the same one-line format.
        cl.setParameterExceptionHandler((e, args) ->
                report(e.getCommandLine().getCommandSpec(), List.of(e.getMessage())));
        return cl;
    }

    private static void collectErrors(CommandLine cl) {
        cl.getCommandSpec().parser().collectErrors(true);
        cl.getSubcommands().values().forEach(Main::collectErrors);
    }

    /** Help if asked for; else every parse error and every {@link Validated} problem, or the command's run. */
    private static int execute(ParseResult parsed) {
        if (CommandLine.printHelpIfRequested(parsed)) {
            return ExitCode.OK;
        }
        List<String> problems = new ArrayList<>();
        ParseResult last = parsed;
        for (ParseResult r = parsed; r != null; r = r.subcommand()) {
            r.errors().forEach(e -> problems.add(message(e)));
            last = r;
        }
        if (last.commandSpec().userObject() instanceof Validated command) {
            problems.addAll(command.problems());
        }
        if (!problems.isEmpty()) {
            return report(last.commandSpec(), problems);
        }
        return new CommandLine.RunLast().execute(parsed);
    }

    private static String message(Exception e) {
        if (e instanceof UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            return u.getMessage() + "; did you mean " + String.join(" or ", u.getSuggestions()) + "?";
        }
        return e.getMessage();
    }

    /** Prints {@code problems}, one line each, and where the options are; returns the usage-error status. */
    private static int report(CommandSpec command, List<String> problems) {
        PrintWriter err = command.commandLine().getErr();
        problems.forEach(p -> err.println(command.qualifiedName() + ": " + p));
        err.println("Run '" + command.qualifiedName() + " --help' for the options.");
        err.flush();
        return ExitCode.USAGE;
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        err.println(spec.qualifiedName() + ": missing command: bench, footprint, jmh, dump or trace");
        spec.commandLine().usage(err);
        return ExitCode.USAGE;
    }
}
