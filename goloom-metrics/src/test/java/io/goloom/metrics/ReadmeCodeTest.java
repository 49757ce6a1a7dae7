package io.goloom.metrics;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Compiles every {@code ```java} block of the README ({@code ../README.md} from this module's
 * base directory), and runs the short ones, so they cannot rot. One dynamic test per block. The
 * compiler is the test JVM's own ({@code ToolProvider.getSystemJavaCompiler()}, its default
 * release), the class path the test's: goloom-core, goloom-metrics, Micrometer with its
 * Prometheus registry, JUnit. Runs happen in the test JVM, which has goloom's JVM flag.
 *
 * <h2>The convention</h2>
 * Every {@code ```java} block has a marker on the last non-blank line(s) before its fence, an
 * HTML comment (invisible on GitHub) that may span lines:
 * <pre>
 * &lt;!-- readme-test: compile --&gt;
 * &lt;!-- readme-test: run; given: Object request = "GET /"; Object handle(Object r) { return r; } --&gt;
 * </pre>
 * <ul>
 *   <li>{@code compile}: the block must compile. {@code run}: it must also complete normally
 *       within {@link #RUN_TIMEOUT}; what it prints to {@code System.out} is captured, echoed
 *       to the test's output (first 12 lines) and put in the failure message.
 *   <li>{@code given:} (optional) is Java member declarations (fields, methods, nested records)
 *       the snippet assumes, copied as they are into the class that wraps it (so they cannot
 *       contain {@code -->}). Under {@code run}
 *       fields must be initialised; any that are {@code AutoCloseable} (a {@code GoRuntime}) are
 *       closed after the snippet, last declared first.
 *   <li>A snippet becomes the body of {@code void snippet() throws Exception} in a class with the
 *       imports in {@link #IMPORTS}, so {@code this} is an ordinary object.
 *   <li>A block that is a whole compilation unit (its first code starts with {@code package},
 *       {@code import}, a class/record/interface/enum declaration or an annotation) is compiled as
 *       it is; {@code run} then calls its {@code main} (static or not, with {@code String[]} or
 *       no parameters). A {@code module} declaration block is skipped, with the reason: goloom's
 *       jars are not modules on this class path, so there is nothing to resolve it against.
 *   <li>A {@code ```java} block without a marker, and a marker not followed by one, fail.
 * </ul>
 * Failures name the README line of the block and map compiler diagnostics to README lines.
 */
class ReadmeCodeTest {

    static final Duration RUN_TIMEOUT = Duration.ofSeconds(30);

    static final String IMPORTS = """
            import io.goloom.*;
            import io.goloom.chan.*;
            import io.goloom.context.*;
            import io.goloom.sync.*;
            import io.goloom.metrics.*;
            import io.micrometer.prometheusmetrics.*;
            import java.nio.file.*;
            import java.time.*;
            import java.util.*;
            import java.util.concurrent.*;
            import java.util.concurrent.locks.*;
            """;

    private static final Pattern MARKER = Pattern.compile(
            "<!--\\s*readme-test:\\s*(run|compile)\\s*(?:;\\s*given:(.*?))?\\s*-->", Pattern.DOTALL);
    private static final Pattern UNIT_START = Pattern.compile(
            "(package|import|module|open\\s+module|@|((public|final|abstract|sealed)\\s+)*(class|record|interface|enum))\\b.*",
            Pattern.DOTALL);
    private static final Pattern TYPE_NAME = Pattern.compile("\\b(?:class|record|interface|enum)\\s+(\\w+)");

    /** A {@code ```java} block: where its code starts (1-based README line), its marker, its code. */
    record Block(int line, String marker, String code) {
    }

    @TestFactory
    List<DynamicTest> readmeJavaBlocks() throws IOException {
        Path readme = Path.of(System.getProperty("basedir", ".")).resolve("../README.md").normalize();
        List<String> lines = Files.readAllLines(readme);
        List<Block> blocks = new ArrayList<>();
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String fence = lines.get(i).strip();
            if (!fence.startsWith("```")) {
                continue;
            }
            int open = i;
            StringBuilder code = new StringBuilder();
            for (i++; i < lines.size() && !lines.get(i).strip().startsWith("```"); i++) {
                code.append(lines.get(i)).append('\n');
            }
            if (fence.equals("```java")) {
                blocks.add(new Block(open + 2, markerBefore(lines, open), code.toString()));
            }
        }
        for (int i = 0; i < lines.size(); i++) {      // a marker must end just before a ```java fence
            if (lines.get(i).contains("readme-test:")) {
                int next = i;
                while (next < lines.size() && !lines.get(next).contains("-->")) {
                    next++;
                }
                do {
                    next++;
                } while (next < lines.size() && lines.get(next).isBlank());
                if (next >= lines.size() || !lines.get(next).strip().equals("```java")) {
                    int line = i + 1;
                    tests.add(DynamicTest.dynamicTest("README line " + line, () ->
                            fail("README line " + line + ": a readme-test marker not followed by a ```java block")));
                }
            }
        }
        assertFalse(blocks.isEmpty(), "no ```java block in " + readme);
        for (Block b : blocks) {
            tests.add(DynamicTest.dynamicTest("README line " + b.line(), () -> check(b)));
        }
        return tests;
    }

    /** The HTML comment on the last non-blank line(s) before line {@code fence}, or "". */
    private static String markerBefore(List<String> lines, int fence) {
        int end = fence - 1;
        while (end >= 0 && lines.get(end).isBlank()) {
            end--;
        }
        if (end < 0 || !lines.get(end).strip().endsWith("-->")) {
            return "";
        }
        int start = end;
        while (start > 0 && !lines.get(start).contains("<!--")) {
            start--;
        }
        return String.join("\n", lines.subList(start, end + 1));
    }

    private static void check(Block b) throws Exception {
        String where = "README line " + b.line();
        Matcher m = MARKER.matcher(b.marker());
        if (!m.find()) {
            fail(where + ": ```java block without a marker such as <!-- readme-test: compile --> just before it"
                    + " (see ReadmeCodeTest's Javadoc):\n" + b.code());
        }
        boolean run = m.group(1).equals("run");
        String given = m.group(2) == null ? "" : m.group(2).strip();
        String firstCode = b.code().replaceAll("(?s)/\\*.*?\\*/|//[^\n]*", "").strip();
        boolean unit = UNIT_START.matcher(firstCode).matches();
        if (unit && firstCode.matches("(?s)(open\\s+)?module\\b.*")) {
            Assumptions.abort(where + ": a module declaration; not compiled, goloom's jars are not modules here");
        }
        String className;
        String source;
        int firstLine;                                // the source line holding the block's first line
        if (unit) {
            Matcher t = TYPE_NAME.matcher(firstCode);
            className = t.find() ? t.group(1) : "Unit";
            source = b.code();
            firstLine = 1;
        } else {
            className = "ReadmeLine" + b.line();
            String head = IMPORTS + "class " + className + " {\n" + given + "\n" + "void snippet() throws Exception {\n";
            source = head + b.code() + "}\n}\n";
            firstLine = (int) head.lines().count() + 1;
        }

        Path out = Files.createTempDirectory("readme-" + b.line() + "-");
        try {
            List<Diagnostic<? extends JavaFileObject>> errors = compile(className, source, out);
            if (!errors.isEmpty()) {
                StringBuilder why = new StringBuilder(where + ": the ```java block does not compile\n");
                for (Diagnostic<? extends JavaFileObject> d : errors) {
                    long line = d.getLineNumber() - firstLine;
                    why.append(line >= 0 && line < b.code().lines().count()
                                    ? "  README line " + (b.line() + line) : "  wrapper line " + d.getLineNumber())
                            .append(": ").append(d.getKind()).append(": ").append(d.getMessage(null)).append('\n');
                }
                fail(why.append("--- the block").append(given.isEmpty() ? "" : ", given: " + given).append(" ---\n")
                        .append(b.code()).toString());
            }
            if (run) {
                try (URLClassLoader loader = new URLClassLoader(new URL[] {out.toUri().toURL()},
                        ReadmeCodeTest.class.getClassLoader())) {
                    run(where, loader.loadClass(className), unit, b.code());
                }
            }
        } finally {
            try (Stream<Path> files = Files.walk(out)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** Compiles {@code source} into {@code out}; the diagnostics if that failed, else none. */
    private static List<Diagnostic<? extends JavaFileObject>> compile(String className, String source, Path out) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///" + className + ".java"),
                JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        List<String> options = List.of("-d", out.toString(), "-proc:none",
                "-classpath", System.getProperty("java.class.path"));
        boolean ok = javac.getTask(null, null, diagnostics, options, null, List.of(file)).call();
        return ok ? List.of() : diagnostics.getDiagnostics();
    }

    /** Runs the compiled snippet (or a unit's main) with System.out captured, then closes its given resources. */
    private static void run(String where, Class<?> c, boolean unit, String code) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        Throwable failure = null;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            assertTimeoutPreemptively(RUN_TIMEOUT, () -> {
                Method main = unit ? mainOf(c) : c.getDeclaredMethod("snippet");
                main.setAccessible(true);
                Object target = Modifier.isStatic(main.getModifiers()) ? null : newInstance(c);
                try {
                    main.invoke(target, main.getParameterCount() == 0 ? new Object[0] : new Object[] {new String[0]});
                } catch (InvocationTargetException e) {
                    throw e.getCause();                       // what the snippet threw
                } finally {
                    if (target != null) {
                        closeFields(target);
                    }
                }
            }, where + ": did not finish within " + RUN_TIMEOUT.toSeconds() + " s");
        } catch (Throwable t) {
            failure = t;
        } finally {
            System.setOut(stdout);
        }
        String output = printed.toString(StandardCharsets.UTF_8);
        if (!output.isEmpty()) {
            List<String> out = output.lines().toList();
            stdout.print(where + " printed:\n" + String.join("\n", out.subList(0, Math.min(out.size(), 12))).indent(4)
                    + (out.size() > 12 ? "    ... " + (out.size() - 12) + " more lines\n" : ""));
        }
        if (failure != null) {
            throw new AssertionError(where + ": the ```java block (marked run) threw " + failure
                    + (output.isEmpty() ? "" : "\n--- it printed ---\n" + output) + "\n--- the block ---\n" + code,
                    failure);
        }
    }

    private static Method mainOf(Class<?> c) throws NoSuchMethodException {
        try {
            return c.getDeclaredMethod("main", String[].class);
        } catch (NoSuchMethodException e) {
            return c.getDeclaredMethod("main");
        }
    }

    private static Object newInstance(Class<?> c) throws Exception {
        var constructor = c.getDeclaredConstructor();
        constructor.setAccessible(true);
        return constructor.newInstance();
    }

    /** Closes the instance's AutoCloseable fields, last declared first. */
    private static void closeFields(Object target) throws Exception {
        Field[] fields = target.getClass().getDeclaredFields();
        for (int i = fields.length - 1; i >= 0; i--) {
            fields[i].setAccessible(true);
            if (fields[i].get(target) instanceof AutoCloseable resource) {
                resource.close();
            }
        }
    }
}
