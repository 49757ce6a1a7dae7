package io.goloom.bench;

import io.goloom.bench.workload.GoProgram;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * The Go column: our Go programs (standard library only, shipped in the jar under
 * {@code /go/<name>/main.go} with the shared {@code /go/common/stats.go}), extracted to a
 * temporary directory and run with {@code go run} under {@code GOMAXPROCS = procs}. Each
 * program runs its own warm-up and measured rounds and prints one {@code name=value} line per
 * metric: the median. Results are cached per program and arguments, so two workloads sharing a
 * program share one run.
 */
public final class GoColumn implements AutoCloseable {

    /** Where Debian's golang-1.19-go package puts the tool, which is not on PATH. */
    private static final Path DEBIAN_GO = Path.of("/usr/lib/go-1.19/bin/go");
    private static final String SHARED_SOURCE = "common/stats.go";
    /** Compiling a program on a cold cache takes seconds on two cores; allow for it. */
    private static final Duration COMPILE_ALLOWANCE = Duration.ofSeconds(120);

    private final Path go;
    private final int procs;
    private final int rounds;
    private final int warmup;
    private final Duration timeout;
    private final Path sources;
    // Outside `sources` so it outlives the run: the next run compiles nothing.
    private final Path cache = Path.of(System.getProperty("java.io.tmpdir"), "goloom-bench-go");
    private final String version;
    private final Map<GoProgram, Map<String, Double>> results = new HashMap<>();

    private GoColumn(Path go, int procs, int warmup, int rounds, Duration roundTimeout)
            throws IOException, InterruptedException, TimeoutException {
        this.go = go;
        this.procs = procs;
        this.warmup = warmup;
        this.rounds = rounds;
        this.timeout = roundTimeout.multipliedBy(warmup + rounds).plus(COMPILE_ALLOWANCE);
        this.sources = Files.createTempDirectory("goloom-bench-go-src");
        try {
            this.version = run(List.of(go.toString(), "version"), sources, Duration.ofSeconds(30)).strip();
        } catch (IOException | TimeoutException e) {
            close();
            throw e;
        }
    }

    /**
     * The Go column if a {@code go} tool is on PATH or at {@code /usr/lib/go-1.19/bin/go}; empty otherwise.
     * Programs run {@code warmup} + {@code rounds} rounds, each bounded like a Java round.
     */
    public static Optional<GoColumn> find(int procs, int warmup, int rounds, Duration roundTimeout)
            throws IOException, InterruptedException, TimeoutException {
        Stream<Path> onPath = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, "go"));
        Optional<Path> tool = Stream.concat(onPath, Stream.of(DEBIAN_GO)).filter(Files::isExecutable).findFirst();
        if (tool.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new GoColumn(tool.get(), procs, warmup, rounds, roundTimeout));
    }

    /** {@code go version}'s output and where the tool is. */
    public String version() {
        return version + " (" + go + ")";
    }

    /**
     * The medians {@code program} prints, by metric name.
     *
     * @throws IOException if it cannot be extracted, does not compile, or exits with an error
     * @throws TimeoutException if it runs longer than its rounds' timeouts plus compile time
     */
    public Map<String, Double> run(GoProgram program) throws IOException, InterruptedException, TimeoutException {
        Map<String, Double> cached = results.get(program);
        if (cached != null) {
            return cached;
        }
        Path dir = extract(program.name());
        List<String> command = Stream.concat(
                Stream.of(go.toString(), "run", "main.go", "stats.go",
                        "-warmup", Integer.toString(warmup), "-rounds", Integer.toString(rounds)),
                program.args().stream()).toList();
        Map<String, Double> medians = new LinkedHashMap<>();
        for (String line : run(command, dir, timeout).split("\n")) {
            int eq = line.lastIndexOf('=');
            if (eq > 0) {
                medians.put(line.substring(0, eq), Double.parseDouble(line.substring(eq + 1).strip()));
            }
        }
        results.put(program, medians);
        return medians;
    }

    private Path extract(String program) throws IOException {
        Path dir = sources.resolve(program);
        Files.createDirectories(dir);
        copyResource("/go/" + program + "/main.go", dir.resolve("main.go"));
        copyResource("/go/" + SHARED_SOURCE, dir.resolve("stats.go"));
        return dir;
    }

    private static void copyResource(String resource, Path target) throws IOException {
        try (InputStream in = GoColumn.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("missing from the jar: " + resource);
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Runs {@code command} in {@code dir} and returns its output (stdout and stderr). */
    private String run(List<String> command, Path dir, Duration limit)
            throws IOException, InterruptedException, TimeoutException {
        Path output = Files.createTempFile(sources, "out", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        Map<String, String> env = builder.environment();
        env.put("GOMAXPROCS", Integer.toString(procs));
        // Everything the tool would put under $HOME goes under the temp dir: works as root, or with no HOME.
        env.put("GOCACHE", cache.resolve("cache").toString());
        env.put("GOPATH", cache.resolve("path").toString());
        env.put("GOENV", "off");
        env.put("GOTOOLCHAIN", "local"); // a newer go must not try to download another toolchain
        env.remove("GOFLAGS");
        Process process = builder.start();
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            // `go run` leaves the compiled program as its child: end both.
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new TimeoutException("`" + String.join(" ", command) + "` still running after "
                    + limit.toSeconds() + " s");
        }
        String text = Files.readString(output);
        if (process.exitValue() != 0) {
            throw new IOException("`" + String.join(" ", command) + "` exited with "
                    + process.exitValue() + ": " + text.strip());
        }
        return text;
    }

    /** Deletes the extracted sources; the build cache stays for the next run. */
    @Override
    public void close() throws IOException {
        try (Stream<Path> files = Files.walk(sources)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
