package io.goloom;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The package map of docs/ARCHITECTURE.md, kept: dependencies point one way, from the leaf
 * types up to the toolkit, and nothing in {@code sched} or {@code trace} reaches the facade.
 *
 * <pre>
 *   leaves   GoHandle, GoroutineState, WaitReason, ProcStats, LatencyHistogram, SchedTrace,
 *            TraceSummary, GoRuntimeMXBean, SchedulingPolicy (io.goloom; the JDK only)
 *   sched    io.goloom.sched                                 (leaves)
 *   trace    io.goloom.trace                                 (leaves)
 *   facade   GoRuntime, Go, GoTimer, GoTicker, GoFuture     (io.goloom; sched, trace, leaves)
 *   toolkit  io.goloom.chan, .context, .sync                 (facade, leaves, and of sched only
 *                                                             Current and the Timer it hands out)
 * </pre>
 * Checked twice: on the compiled classes (ArchUnit: every dependency, within a package too),
 * and on the sources' import lines (which the bytecode does not show when an import serves
 * only Javadoc, and a Javadoc link is a dependency a reader follows).
 */
class LayersTest {

    private static final Set<String> LEAVES = Set.of("GoHandle", "GoroutineState", "WaitReason", "ProcStats",
            "LatencyHistogram", "SchedTrace", "TraceSummary", "GoRuntimeMXBean",
            "SchedulingPolicy", "Priority");
    private static final Set<String> FACADE = Set.of("GoRuntime", "Go", "GoTimer", "GoTicker", "GoFuture", "Tenant");

    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.goloom");

    /** The top-level class a class belongs to, by simple name ({@code GoRuntime} for {@code GoRuntime$Builder}). */
    private static String topLevel(JavaClass c) {
        String name = c.getName().substring(c.getPackageName().length() + 1);
        int dollar = name.indexOf('$');
        return dollar < 0 ? name : name.substring(0, dollar);
    }

    private static DescribedPredicate<JavaClass> inRoot(Set<String> names, String description) {
        return DescribedPredicate.describe(description,
                c -> c.getPackageName().equals("io.goloom") && names.contains(topLevel(c)));
    }

    /** A new class of io.goloom must be placed in the map, or the rules below would not see it. */
    @Test
    void everyClassOfTheRootPackageIsALeafOrTheFacade() {
        List<String> unplaced = new ArrayList<>();
        for (JavaClass c : CORE) {
            if (c.getPackageName().equals("io.goloom") && !c.getSimpleName().equals("package-info")
                    && !LEAVES.contains(topLevel(c)) && !FACADE.contains(topLevel(c))) {
                unplaced.add(c.getName());
            }
        }
        assertEquals(List.of(), unplaced, "classes of io.goloom in neither LEAVES nor FACADE");
    }

    @Test
    void layersDependOneWay() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("leaves").definedBy(inRoot(LEAVES, "the leaf types"))
                .layer("sched").definedBy("io.goloom.sched..")
                .layer("trace").definedBy("io.goloom.trace..")
                .layer("facade").definedBy(inRoot(FACADE, "the facade"))
                .layer("toolkit").definedBy("io.goloom.chan..", "io.goloom.context..", "io.goloom.sync..")
                .whereLayer("toolkit").mayNotBeAccessedByAnyLayer()
                .whereLayer("facade").mayOnlyBeAccessedByLayers("toolkit")
                .whereLayer("trace").mayOnlyBeAccessedByLayers("facade")
                .whereLayer("sched").mayOnlyBeAccessedByLayers("facade", "toolkit")
                .whereLayer("leaves").mayOnlyBeAccessedByLayers("sched", "trace", "facade", "toolkit")
                .check(CORE);
    }

    @Test
    void theToolkitUsesOnlyTheSchedulersApiForGoroutineCode() {
        noClasses().that().resideInAnyPackage("io.goloom.chan..", "io.goloom.context..", "io.goloom.sync..")
                .should().dependOnClassesThat(DescribedPredicate.describe("io.goloom.sched other than Current and Timer",
                        c -> c.getPackageName().equals("io.goloom.sched")
                                && !Set.of("Current", "Timer").contains(topLevel(c))))
                .check(CORE);
    }

    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?io\\.goloom\\.([\\w.]+);",
            Pattern.MULTILINE);

    /** The same rules on import lines, Javadoc-only imports included. */
    @Test
    void importLinesFollowTheMap() throws IOException {
        Path src = Path.of("src/main/java/io/goloom");
        assertTrue(Files.isDirectory(src), "run from goloom-core: " + src.toAbsolutePath());
        List<String> broken = new ArrayList<>();
        try (Stream<Path> files = Files.walk(src)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = src.relativize(f.getParent()).toString().replace('/', '.');
                String cls = f.getFileName().toString().replace(".java", "");
                Matcher m = IMPORT.matcher(Files.readString(f));
                while (m.find()) {
                    String target = m.group(1);
                    if (!allowed(pkg, cls, target)) {
                        broken.add(src.relativize(f) + " imports io.goloom." + target);
                    }
                }
            }
        }
        assertEquals(List.of(), broken);
    }

    /** goloom-metrics and goloom-bench build on the facade and the leaves: no internals. */
    @Test
    void otherModulesUseNoInternals() throws IOException {
        List<String> broken = new ArrayList<>();
        for (String module : List.of("../goloom-metrics/src/main/java", "../goloom-bench/src/main/java")) {
            Path src = Path.of(module);
            assertTrue(Files.isDirectory(src), "run from goloom-core: " + src.toAbsolutePath());
            try (Stream<Path> files = Files.walk(src)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    Matcher m = IMPORT.matcher(Files.readString(f));
                    while (m.find()) {
                        if (m.group(1).startsWith("sched.") || m.group(1).startsWith("trace.")) {
                            broken.add(f + " imports io.goloom." + m.group(1));
                        }
                    }
                    if (f.toString().contains("/io/goloom/sched/") || f.toString().contains("/io/goloom/trace/")) {
                        broken.add(f + " splits a package of core");
                    }
                }
            }
        }
        assertEquals(List.of(), broken);
    }

    /** Whether a class {@code cls} of package {@code pkg} ("" for io.goloom) may import io.goloom.{@code target}. */
    private static boolean allowed(String pkg, String cls, String target) {
        String targetPkg = target.contains(".") ? target.substring(0, target.indexOf('.')) : "";
        String targetCls = target.substring(target.indexOf('.') + 1).split("\\.")[0];
        boolean leaf = targetPkg.isEmpty() && LEAVES.contains(targetCls);
        return switch (pkg.isEmpty() ? (LEAVES.contains(cls) ? "leaves" : "facade") : pkg) {
            case "leaves", "sched", "trace" -> leaf || targetPkg.equals(pkg);
            case "facade" -> targetPkg.isEmpty() || targetPkg.equals("sched") || targetPkg.equals("trace");
            default -> targetPkg.isEmpty() || Set.of("chan", "context", "sync").contains(targetPkg)
                    || (targetPkg.equals("sched") && Set.of("Current", "Timer").contains(targetCls));
        };
    }
}
