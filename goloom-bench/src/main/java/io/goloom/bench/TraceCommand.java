package io.goloom.bench;

import io.goloom.GoRuntime;
import io.goloom.bench.workload.ChildJvm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code trace [--out FILE] [--cp CLASSPATH] -- <main class> [args...]}: runs a program in a
 * new JVM with an execution trace of every goloom runtime it builds, Go's {@code go tool trace}
 * for a whole program. The child gets this JVM's flags (the {@code --add-opens} and
 * {@code --add-exports} goloom needs), goloom on its class path after the program's, and
 * {@code -Dgoloom.debug=trace=FILE} added to whatever {@code GOLOOM_DEBUG} or
 * {@code -Dgoloom.debug} already said (GoRuntime.DEBUG_PROPERTY); each runtime writes its trace
 * when it closes or when the JVM exits, or when the program starts a trace of its own
 * ({@code GoRuntime.startTrace}), which then takes over.
 *
 * <pre>
 * ./goloom trace --out fanout.json --cp target/classes -- com.example.FanOut 1000
 * </pre>
 */
@Command(name = "trace", sortOptions = false,
        description = {"Runs a program's main class in a new JVM, tracing every goloom runtime it builds.",
                "%nEach runtime's trace (Chrome Trace Event JSON: open it in ui.perfetto.dev) is written when the"
                        + " runtime closes or the JVM exits. The first goes to FILE, later ones to FILE with their"
                        + " runtime's name inserted (run-<name>.json). A runtime whose program starts a trace of its"
                        + " own (GoRuntime.startTrace) writes FILE first, with what it recorded until then.",
                "%nExample:",
                "  ./goloom trace --out run.json --cp target/classes -- com.example.Main arg1%n"})
final class TraceCommand implements Callable<Integer>, Validated {

    @Spec
    private CommandSpec spec;

    @Option(names = "--out", paramLabel = "FILE", description = "The trace file (default: ${DEFAULT-VALUE}).")
    private Path out = Path.of("goloom-trace.json");

    @Option(names = "--cp", paramLabel = "CLASSPATH",
            description = "The program's class path (default: ${DEFAULT-VALUE}); goloom is added after it.")
    private String classPath = ".";

    @Parameters(index = "0", paramLabel = "MAIN", description = "The program's main class.")
    private String mainClass;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "The program's arguments (after --).")
    private List<String> args = new ArrayList<>();

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Override
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        Path file = out.toAbsolutePath().normalize();
        if (file.toString().contains(",")) {
            problems.add("--out must not contain ',' (goloom.debug separates its settings with it), was '" + out + "'");
        }
        if (Files.isDirectory(file)) {
            problems.add("--out: " + file + " is a directory, not a file");
        } else if (!Files.isDirectory(file.getParent())) {
            problems.add("--out: " + file + " cannot be written: " + file.getParent() + " is not a directory");
        }
        if (mainClass != null && (mainClass.isBlank() || mainClass.startsWith("-"))) {
            problems.add("MAIN must be a class name, was '" + mainClass + "' (put -- before the main class)");
        }
        return problems;
    }

    @Override
    public Integer call() throws Exception {
        Path file = out.toAbsolutePath().normalize();
        String inherited = System.getProperty(GoRuntime.DEBUG_PROPERTY, System.getenv(GoRuntime.DEBUG_ENV));
        String debug = (inherited == null || inherited.isBlank() ? "" : inherited + ",") + "trace=" + file;
        // This JVM's flags (GOLOOM_JAVA_OPTS among them) but goloom.debug, merged above.
        List<String> command = ChildJvm.javaLikeThis("-D" + GoRuntime.DEBUG_PROPERTY + "=");
        command.add("-D" + GoRuntime.DEBUG_PROPERTY + "=" + debug);
        command.addAll(List.of("-cp", classPath + File.pathSeparator + System.getProperty("java.class.path"),
                mainClass));
        command.addAll(args);
        System.err.println(spec.qualifiedName() + ": running " + mainClass + " with goloom.debug=" + debug);
        Process child = new ProcessBuilder(command).inheritIO().start();
        int status = child.waitFor();
        if (status != 0) {
            System.err.println(spec.qualifiedName() + ": " + mainClass + " exited with status " + status);
        }
        return status;
    }
}
