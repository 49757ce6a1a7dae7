package io.goloom;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * goloom on the module path, as a modular application uses it: the module {@code io.goloom}
 * exports its API and nothing else, and runs with {@code --add-opens java.base/java.lang=io.goloom}
 * (the class path's {@code ALL-UNNAMED} does not reach a named module, and the failure says so).
 * The other tests run on the class path (see the Surefire configuration).
 */
class ModulePathTest {

    /** goloom-core's compiled module, exploded (module-info.class at its root). */
    private static final Path CORE = Path.of("target/classes");

    private static final String APP_MODULE = "module com.example.app { requires io.goloom; requires java.management; }";
    private static final String APP_MAIN = """
            package com.example.app;

            import io.goloom.GoFuture;
            import io.goloom.GoRuntime;
            import io.goloom.chan.Chan;
            import java.lang.management.ManagementFactory;
            import javax.management.ObjectName;

            public class Main {
                public static void main(String[] args) throws Exception {
                    try (GoRuntime rt = GoRuntime.builder().name("modular").procs(2).build()) {
                        Chan<Integer> ch = Chan.make();
                        rt.go(() -> {
                            try {
                                for (int i = 1; i <= 100; i++) {
                                    ch.send(i);
                                }
                                ch.close();
                            } catch (InterruptedException e) {
                                throw new AssertionError(e);
                            }
                        });
                        GoFuture<Integer> sum = rt.submit(() -> {
                            int s = 0;
                            for (int v : ch) {
                                s += v;
                            }
                            return s;
                        });
                        // Registered on a background thread soon after build(): up to 30 s here.
                        ObjectName name = new ObjectName("io.goloom:type=GoRuntime,name=\\"modular\\"");
                        boolean mbean = false;
                        for (long end = System.nanoTime() + 30_000_000_000L; !mbean && System.nanoTime() < end; ) {
                            mbean = ManagementFactory.getPlatformMBeanServer().isRegistered(name);
                            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                        }
                        System.out.println("module=" + GoRuntime.class.getModule().getName() + " sum=" + sum.get()
                                + " mbean=" + mbean + " dump=" + rt.goroutineDump().startsWith("goroutine dump"));
                    }
                }
            }
            """;
    /** An application reaching past the exports: must not compile. */
    private static final String APP_INTERNAL = """
            package com.example.app;

            class Internal {
                Object scheduler = io.goloom.sched.Scheduler.class;
            }
            """;

    @TempDir
    static Path dir;
    static Path app;

    @BeforeAll
    static void compileTheApplication() throws Exception {
        assertTrue(Files.isRegularFile(CORE.resolve("module-info.class")), "goloom-core built: " + CORE.toAbsolutePath());
        app = dir.resolve("app");
        List<String> errors = compile(app, APP_MODULE, APP_MAIN);
        assertEquals(List.of(), errors, "the application compiles against the module");
    }

    /** Compiles module-info plus {@code sources} (package com.example.app) into {@code out}; the errors. */
    private static List<String> compile(Path out, String moduleInfo, String... sources) throws Exception {
        Path src = Files.createTempDirectory(dir, "src");
        Files.writeString(src.resolve("module-info.java"), moduleInfo);
        Path pkg = Files.createDirectories(src.resolve("com/example/app"));
        List<Path> files = new ArrayList<>(List.of(src.resolve("module-info.java")));
        for (String s : sources) {
            String name = s.contains("class Main") ? "Main.java" : "Internal.java";
            files.add(Files.writeString(pkg.resolve(name), s));
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            boolean ok = javac.getTask(null, fm, diagnostics,
                    List.of("--module-path", CORE.toString(), "-d", out.toString()), null,
                    fm.getJavaFileObjectsFromPaths(files)).call();
            List<String> errors = new ArrayList<>();
            diagnostics.getDiagnostics().stream()
                    .filter(d -> d.getKind() == javax.tools.Diagnostic.Kind.ERROR)
                    .forEach(d -> errors.add(d.getMessage(null)));
            assertEquals(ok, errors.isEmpty(), errors::toString);
            return errors;
        }
    }

    private static TestSupport.ChildRun run(String... flags) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(TestSupport.javaLauncher(), "-Xshare:auto", "-XX:TieredStopAtLevel=1"));
        cmd.addAll(List.of(flags));
        cmd.addAll(List.of("--module-path", CORE + File.pathSeparator + app, "-m", "com.example.app/com.example.app.Main"));
        return TestSupport.runChild(cmd, Map.of());
    }

    @Test
    @Timeout(120)
    void aModularApplicationRunsGoroutinesWithTheModulesFlag() throws Exception {
        TestSupport.ChildRun r = run("--add-opens", "java.base/java.lang=io.goloom");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("module=io.goloom sum=5050 mbean=true dump=true"), r.output());
    }

    @Test
    @Timeout(120)
    void theClassPathFlagIsNotEnoughAndTheMessageNamesTheModulesOne() throws Exception {
        TestSupport.ChildRun r = run("--add-opens", "java.base/java.lang=ALL-UNNAMED");
        assertFalse(r.exit() == 0, r.output());
        assertTrue(r.output().contains("--add-opens java.base/java.lang=io.goloom"), r.output());
    }

    @Test
    @Timeout(120)
    void theSchedulerIsNotExported() throws Exception {
        List<String> errors = compile(dir.resolve("internal"), APP_MODULE, APP_INTERNAL);
        assertTrue(errors.stream().anyMatch(e -> e.contains("io.goloom.sched") && e.contains("not visible")),
                errors::toString);
    }
}
