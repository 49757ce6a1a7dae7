package io.goloom.bench;

import io.goloom.GoRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ./goloom trace}'s child main: runs main methods as the launcher does, and explains a program's own trace. */
class TracedMainTest {

    @TempDir
    Path tmp;

    static final List<String> CALLS = new ArrayList<>();

    static class StaticMain {
        public static void main(String[] args) {
            CALLS.add("static " + String.join(",", args));
        }
    }

    static class InstanceMain {
        void main() {
            CALLS.add("instance");
        }
    }

    static class InheritsMain extends StaticMain {
    }

    static class NoMain {
    }

    /** A program that traces itself, as in the trial. */
    public static final class SelfTracing {
        public static void main(String[] args) throws Exception {
            try (GoRuntime rt = GoRuntime.builder().procs(2).build()) {
                rt.startTrace(Path.of(args[0]));
                rt.go(() -> { }).join();
                rt.stopTrace();
            }
        }
    }

    @Test
    void findsTheMainMethodsTheLauncherRuns() throws Throwable {
        CALLS.clear();
        TracedMain.invoke(TracedMain.mainMethod(StaticMain.class), new String[] {"a", "b"});
        TracedMain.invoke(TracedMain.mainMethod(InstanceMain.class), new String[] {"ignored"});
        TracedMain.invoke(TracedMain.mainMethod(InheritsMain.class), new String[0]);
        assertEquals(List.of("static a,b", "instance", "static "), CALLS);
        assertThrows(NoSuchMethodException.class, () -> TracedMain.mainMethod(NoMain.class));
    }

    @Test
    void explainsOnlyAStartTraceOnATracedRuntime() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().procs(1).build()) {
            rt.startTrace(tmp.resolve("first.json"));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> rt.startTrace(tmp.resolve("own.json")));
            String why = TracedMain.explanation("com.example.Main", e).orElseThrow();
            assertTrue(why.startsWith("./goloom trace: com.example.Main calls GoRuntime.startTrace, but"), why);
            assertTrue(why.contains(e.getMessage()), why);
            rt.stopTrace();
        }
        assertTrue(TracedMain.explanation("com.example.Main", new IllegalStateException("elsewhere")).isEmpty());
    }

    @Test
    void aProgramThatTracesItselfGetsAnExplanation() throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(arg -> arg.startsWith("--add-"))
                .forEach(command::add);
        command.addAll(List.of("-Dgoloom.debug=trace=" + tmp.resolve("debug.json"),
                "-cp", System.getProperty("java.class.path"), TracedMain.class.getName(),
                SelfTracing.class.getName(), tmp.resolve("own.json").toString()));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        child.getInputStream().transferTo(output);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        String text = output.toString(StandardCharsets.UTF_8);
        assertEquals(1, child.exitValue(), text);
        assertTrue(text.contains("./goloom trace: " + SelfTracing.class.getName() + " calls GoRuntime.startTrace"), text);
        assertFalse(text.contains("\tat "), "no stack trace: " + text);
        assertTrue(Files.exists(tmp.resolve("debug.json")), text);
    }
}
