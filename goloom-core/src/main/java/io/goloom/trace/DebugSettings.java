package io.goloom.trace;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * goloom's {@code GODEBUG}: the JVM system property {@value #PROPERTY} or, when that is not
 * set, the environment variable {@value #ENV}, read by every {@code GoRuntime.Builder.build()}.
 * Syntax as Go's: comma-separated {@code key=value} pairs.
 *
 * <pre>{@code
 * GOLOOM_DEBUG=schedtrace=1000 java ...                     # a SCHED line every second, on stderr
 * java -Dgoloom.debug=schedtrace=200,scheddetail=1 ...      # and one line per P, M and goroutine
 * }</pre>
 *
 * <ul>
 *   <li>{@code schedtrace=N}: print Go's schedtrace line every N milliseconds, N in
 *       [{@value #MIN_SCHEDTRACE_MILLIS}, {@value #MAX_SCHEDTRACE_MILLIS}];
 *   <li>{@code scheddetail=1}: with schedtrace, print Go's scheddetail text instead;
 *       {@code 0} or {@code 1};
 *   <li>{@code trace=FILE}: record an execution trace of every runtime built (as
 *       {@code GoRuntime.startTrace}) and write it to {@code FILE} when the runtime closes or
 *       the JVM exits, whichever comes first; the second and later runtimes of the JVM write to
 *       {@code FILE} with their name inserted ({@code trace-<name>.json}). {@code ./goloom
 *       trace -- <main class>} sets it.
 * </ul>
 *
 * <p>A bad value of a known key (e.g. {@code schedtrace=abc}, {@code schedtrace=0}) is an
 * {@link IllegalArgumentException} naming the source, the value and the accepted range, so
 * {@code build()} fails: the setting is an explicit request, and a trace that silently does not
 * appear costs more than a failed start. Go ignores bad values silently, and treats
 * {@code schedtrace=0} as off; here leaving the key out is off. Unknown keys and entries without
 * {@code =} are ignored, as Go ignores them, with one warning line ({@link #warning()}). A
 * repeated key takes its last value. Spaces around keys and values are ignored.
 */
public final class DebugSettings {

    /** The JVM system property; wins over {@link #ENV} when set, even to an empty string. */
    public static final String PROPERTY = "goloom.debug";
    /** The environment variable, read when {@link #PROPERTY} is not set. */
    public static final String ENV = "GOLOOM_DEBUG";
    /** Bounds of {@code schedtrace}, in milliseconds (1 ms to 1 hour). */
    public static final long MIN_SCHEDTRACE_MILLIS = 1, MAX_SCHEDTRACE_MILLIS = 3_600_000;

    private static final DebugSettings NONE = new DebugSettings("", null, null, null, List.of());

    /** Where the text came from, for messages: {@code -Dgoloom.debug} or {@code GOLOOM_DEBUG}. */
    private final String source;
    private final Duration schedtrace;
    private final Boolean scheddetail;
    private final Path trace;
    private final List<String> ignored;

    private DebugSettings(String source, Duration schedtrace, Boolean scheddetail, Path trace, List<String> ignored) {
        this.source = source;
        this.schedtrace = schedtrace;
        this.scheddetail = scheddetail;
        this.trace = trace;
        this.ignored = List.copyOf(ignored);
    }

    /**
     * The setting of this JVM now: {@value #PROPERTY} if set, else {@value #ENV}, else none.
     *
     * @throws IllegalArgumentException on a bad value (see the class comment)
     */
    public static DebugSettings fromSystem() {
        return resolve(System.getProperty(PROPERTY), System.getenv(ENV));
    }

    /**
     * {@code property} if not null, else {@code env}, else none; the property wins even when
     * empty, so {@code -Dgoloom.debug=} turns off what the environment turned on.
     *
     * @throws IllegalArgumentException on a bad value (see the class comment)
     */
    public static DebugSettings resolve(String property, String env) {
        if (property != null) {
            return parse(property, "-D" + PROPERTY);
        }
        return env != null ? parse(env, ENV) : NONE;
    }

    /**
     * Parses {@code text} ({@code key=value,...}); {@code source} names it in messages.
     *
     * <pre>{@code
     * DebugSettings.parse("schedtrace=1000,scheddetail=1", "GOLOOM_DEBUG").schedtrace(); // Optional[PT1S]
     * }</pre>
     *
     * @throws IllegalArgumentException on a bad value (see the class comment)
     */
    public static DebugSettings parse(String text, String source) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(source, "source");
        Duration schedtrace = null;
        Boolean scheddetail = null;
        Path trace = null;
        List<String> ignored = new ArrayList<>();
        for (String entry : text.split(",")) {
            int eq = entry.indexOf('=');
            String key = (eq < 0 ? entry : entry.substring(0, eq)).strip();
            String value = eq < 0 ? "" : entry.substring(eq + 1).strip();
            if (eq >= 0 && key.equals("schedtrace")) {
                schedtrace = Duration.ofMillis(parseLong(source, key, value, MIN_SCHEDTRACE_MILLIS,
                        MAX_SCHEDTRACE_MILLIS, "an integer number of milliseconds in ["
                                + MIN_SCHEDTRACE_MILLIS + ", " + MAX_SCHEDTRACE_MILLIS + "]"));
            } else if (eq >= 0 && key.equals("scheddetail")) {
                scheddetail = parseLong(source, key, value, 0, 1, "0 or 1") == 1;
            } else if (eq >= 0 && key.equals("trace")) {
                trace = parsePath(source, key, value);
            } else if (!entry.isBlank()) {
                ignored.add(entry.strip());
            }
        }
        return new DebugSettings(source, schedtrace, scheddetail, trace, ignored);
    }

    /** {@code value} as a file path, or an error naming source, key and value. */
    private static Path parsePath(String source, String key, String value) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException(source + ": " + key + " must name a file, was \"\"");
        }
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(source + ": " + key + " must name a file, was \"" + value + "\": "
                    + e.getReason());
        }
    }

    /** {@code value} as a long in [min, max], or an error naming source, key, value and range. */
    private static long parseLong(String source, String key, String value, long min, long max, String range) {
        long n;
        try {
            n = Long.parseLong(value);
        } catch (NumberFormatException e) {
            n = min - 1;   // reported below, with the text as given
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(source + ": " + key + " must be " + range + ", was \"" + value + "\"");
        }
        return n;
    }

    /** The schedtrace period, if the setting names one. */
    public Optional<Duration> schedtrace() {
        return Optional.ofNullable(schedtrace);
    }

    /** Whether scheddetail is on, if the setting names it. */
    public Optional<Boolean> scheddetail() {
        return Optional.ofNullable(scheddetail);
    }

    /** The execution trace file, if the setting names one. */
    public Optional<Path> trace() {
        return Optional.ofNullable(trace);
    }

    /** Where the setting came from, for messages: {@code -Dgoloom.debug} or {@code GOLOOM_DEBUG}. */
    public String source() {
        return source;
    }

    /**
     * One line naming the entries that were ignored, for the diagnostics stream, or empty:
     * {@code goloom: GOLOOM_DEBUG: ignoring unknown setting(s) "gctrace=1", "foo" (known:
     * schedtrace, scheddetail, trace)}.
     */
    public Optional<String> warning() {
        if (ignored.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder sb = new StringBuilder("goloom: ").append(source).append(": ignoring unknown setting(s) ");
        for (int i = 0; i < ignored.size(); i++) {
            sb.append(i == 0 ? "\"" : ", \"").append(ignored.get(i)).append('"');
        }
        return Optional.of(sb.append(" (known: schedtrace, scheddetail, trace)").toString());
    }
}
