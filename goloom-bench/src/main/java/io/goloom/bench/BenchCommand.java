package io.goloom.bench;

import io.goloom.bench.side.Side;
import io.goloom.bench.workload.Workload;
import io.goloom.bench.workload.Workloads;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;

/**
 * {@code bench}: the side-by-side comparison, printed as one table. Exits 0 when every
 * workload completed (whatever the verdicts), 1 when one FAILED, 2 on bad arguments or when
 * goloom cannot run in this JVM.
 */
@Command(name = "bench", sortOptions = false,
        description = {
                "Compares goloom, the JDK default virtual-thread scheduler and Go, side by side.",
                "%nRuns each workload on goloom and on the JDK's default scheduler in this process, alternating"
                        + " per round, then our Go programs when a go tool is found, and prints one table of"
                        + " medians with the goloom/jdk ratio, its target and a verdict.",
                "%nUse -XX:ActiveProcessorCount=N (in GOLOOM_JAVA_OPTS) to measure both schedulers on N"
                        + " processors.%n"})
final class BenchCommand implements Callable<Integer>, Validated {

    private static final String NO_GO = "not found (install golang-1.19-go for the Go column)";
    private static final int MAX_ROUNDS = 100, MAX_ROUND_TIMEOUT = 3600;

    @Spec
    private CommandSpec spec;

    @Option(names = "--quick", description = "Smaller workloads: about 7 minutes on 2 cores (the http rows start server JVMs).")
    private boolean quick;

    @Option(names = "--rounds", paramLabel = "N",
            description = "Measured rounds per side, 1 to " + MAX_ROUNDS + " (default: 5).")
    private Integer rounds;

    @Option(names = "--warmup", paramLabel = "N",
            description = "Warm-up rounds per side, discarded, 0 to " + MAX_ROUNDS + " (default: 2).")
    private Integer warmup;

    @Option(names = "--only", split = ",", paramLabel = "NAME",
            completionCandidates = WorkloadNames.class,
            description = "Run only these workloads, comma-separated: ${COMPLETION-CANDIDATES}.")
    private List<String> only;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the rows to FILE as JSON.")
    private Path json;

    @Option(names = "--trace", paramLabel = "DIR",
            description = "Write an execution trace of one more goloom round per workload (not counted, after its"
                    + " measured rounds) to DIR/<workload>.json, for ui.perfetto.dev.")
    private Path traceDir;

    @Option(names = "--round-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "A round still running after this long fails its workload, 1 to " + MAX_ROUND_TIMEOUT
                    + " (default: ${DEFAULT-VALUE}).")
    private int roundTimeoutSeconds;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Override
    public Integer call() throws Exception {
        List<Workload> workloads = selected();
        Compare.Plan plan = plan();
        PrintStream out = System.out;
        // Fail before any output if goloom cannot run here; goloom's message names the missing flag.
        try {
            Side.open(Side.GOLOOM, 1).close();
        } catch (IllegalStateException e) {
            System.err.println(spec.qualifiedName() + ": " + e.getMessage());
            return 2;
        }
        Optional<GoColumn> go;
        String goVersion;
        try {
            go = GoColumn.find(plan.procs(), plan.warmup(), plan.rounds(), plan.roundTimeout());
            goVersion = go.map(GoColumn::version).orElse(NO_GO);
        } catch (IOException | TimeoutException e) {
            go = Optional.empty();
            goVersion = "unusable, no Go column (" + e.getMessage() + ")";
        }
        try {
            Machine machine = Machine.detect(goVersion);
            printHeader(out, machine, plan, workloads);
            if (traceDir != null) {
                Files.createDirectories(traceDir);
            }
            Compare compare = new Compare(plan, go, System.err, Optional.ofNullable(traceDir));
            List<Row> rows = compare.run(workloads);
            out.println();
            ResultTable.print(rows, out);
            List<String> notes = new ArrayList<>(compare.notes());
            overheadAboveFloor(rows).ifPresent(notes::add);
            if (!notes.isEmpty()) {
                out.println();
                notes.forEach(note -> out.println("note: " + note));
            }
            if (json != null) {
                JsonReport.write(json, machine, rows);
                out.println("wrote " + json);
            }
            return rows.stream().anyMatch(Row::failed) ? 1 : 0;
        } finally {
            if (go.isPresent()) {
                go.get().close();
            }
        }
    }

    private static void printHeader(PrintStream out, Machine machine, Compare.Plan plan, List<Workload> workloads) {
        out.println("goloom-bench: goloom vs the JDK default virtual-thread scheduler vs Go");
        machine.describe().forEach(out::println);
        out.printf(Locale.ROOT, "plan: %d warm-up + %d measured rounds per side, goloom and jdk alternating"
                        + " (first side swaps each round); medians; round timeout %d s%n",
                plan.warmup(), plan.rounds(), plan.roundTimeout().toSeconds());
        List<String> once = workloads.stream().filter(Workload::singleRound).map(Workload::name).toList();
        if (!once.isEmpty()) {
            out.println("  except " + String.join(", ", once) + ": one round per side, no warm-up"
                    + " (a soak, or a measurement in a fresh JVM)");
        }
        out.printf(Locale.ROOT, "sides: goloom = one GoRuntime(procs=%d) per workload, shared by its rounds;"
                        + " jdk = default scheduler (parallelism %s); go: GOMAXPROCS=%d%n",
                plan.procs(), System.getProperty("jdk.virtualThreadScheduler.parallelism",
                        Integer.toString(plan.procs())), plan.procs());
        out.println();
        out.flush();
    }

    @Override
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        range("--rounds", rounds, 1, MAX_ROUNDS).ifPresent(problems::add);
        range("--warmup", warmup, 0, MAX_ROUNDS).ifPresent(problems::add);
        range("--round-timeout", roundTimeoutSeconds, 1, MAX_ROUND_TIMEOUT).ifPresent(problems::add);
        if (only != null) {
            List<String> known = Workloads.all(quick).stream().map(Workload::name).toList();
            List<String> unknown = new LinkedHashSet<>(only).stream().filter(name -> !known.contains(name))
                    .map(name -> "'" + name + "'").toList();
            if (!unknown.isEmpty()) {
                problems.add("--only: unknown workload" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown)
                        + "; known: " + String.join(", ", known));
            }
        }
        if (json != null) {
            jsonProblem(json.toAbsolutePath()).ifPresent(problems::add);
        }
        if (traceDir != null) {
            traceDirProblem(traceDir.toAbsolutePath()).ifPresent(problems::add);
        }
        return problems;
    }

    private static Optional<String> range(String option, Integer value, int min, int max) {
        return value == null || (value >= min && value <= max) ? Optional.empty()
                : Optional.of(option + " must be " + min + " to " + max + ", was " + value);
    }

    /** Checked before the run, so that a full run is not lost when its results cannot be written. */
    private static Optional<String> jsonProblem(Path file) {
        Path dir = file.getParent();
        if (Files.isDirectory(file)) {
            return Optional.of("--json: " + file + " is a directory, not a file");
        }
        if (!Files.isDirectory(dir)) {
            return Optional.of("--json: " + file + " cannot be written: " + dir + " is not a directory");
        }
        if (Files.exists(file) ? !Files.isWritable(file) : !Files.isWritable(dir)) {
            return Optional.of("--json: " + file + " cannot be written: permission denied");
        }
        return Optional.empty();
    }

    private static Optional<String> traceDirProblem(Path dir) {
        Path existing = dir;
        while (!Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (!Files.isDirectory(existing)) {
            return Optional.of("--trace: " + (existing.equals(dir) ? dir + " is not a directory"
                    : "cannot create directory " + dir + ": " + existing + " is not a directory"));
        }
        if (!Files.isWritable(existing)) {
            return Optional.of("--trace: " + (existing.equals(dir) ? "cannot write to " + dir
                    : "cannot create directory " + dir + " in " + existing) + ": permission denied");
        }
        return Optional.empty();
    }

    /** The workloads of {@code --only} (known, by {@link #problems()}), in the table's order. */
    private List<Workload> selected() {
        List<Workload> all = Workloads.all(quick);
        return only == null ? all : all.stream().filter(w -> only.contains(w.name())).toList();
    }

    private Compare.Plan plan() {
        return new Compare.Plan(warmup != null ? warmup : 2, rounds != null ? rounds : 5,
                Duration.ofSeconds(roundTimeoutSeconds), Runtime.getRuntime().availableProcessors());
    }

    /** What each scheduler adds per switch on top of a bare continuation switch. */
    private static Optional<String> overheadAboveFloor(List<Row> rows) {
        Optional<Row> yield = find(rows, "yield", "Thread.yield");
        Optional<Row> floor = find(rows, "floor", "yield+run");
        if (yield.isEmpty() || floor.isEmpty() || floor.get().goloom() == null) {
            return Optional.empty();
        }
        double f = floor.get().goloom();
        Row y = yield.get();
        return Optional.of(String.format(Locale.ROOT,
                "per-switch cost minus floor (Thread.yield - %.0f ns): goloom %s ns, jdk %s ns", f,
                ResultTable.value(y.goloom() == null ? null : y.goloom() - f),
                ResultTable.value(y.jdk() == null ? null : y.jdk() - f)));
    }

    private static Optional<Row> find(List<Row> rows, String workload, String metric) {
        return rows.stream()
                .filter(r -> r.workload().equals(workload) && r.metric().name().equals(metric))
                .findFirst();
    }

    /** The valid names for {@code --only}, for the help text. */
    static final class WorkloadNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Workloads.all(false).stream().map(Workload::name).iterator();
        }
    }
}
