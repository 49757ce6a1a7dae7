package io.goloom.bench.workload;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/** Command lines for the child JVMs that rows and subcommands start. */
public final class ChildJvm {

    private ChildJvm() {
    }

    /** The flag goloom needs (see {@code VirtualThreads}), as a child on the class path needs it. */
    static final List<String> ADD_OPENS = List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED");

    /**
     * The start of a command line for a new JVM like this one: this JVM's {@code java} and its
     * flags ({@code -Xmx}, {@code -XX:ActiveProcessorCount}, ...), except a debugger agent, which
     * would make the child wait for a debugger, and the flags that start with one of
     * {@code dropped}; plus the {@code --add-opens} goloom needs, which this JVM may have from
     * its JAR's manifest ({@code java -jar goloom-bench.jar}) rather than from its command line.
     * The caller adds the class path, the main class and its arguments.
     *
     * <pre>{@code
     * List<String> command = ChildJvm.javaLikeThis("-XX:StartFlightRecording");
     * command.addAll(List.of("-cp", System.getProperty("java.class.path"), "my.Main"));
     * }</pre>
     */
    public static List<String> javaLikeThis(String... dropped) {
        return javaLike(ProcessHandle.current().info().command().orElse("java"),
                ManagementFactory.getRuntimeMXBean().getInputArguments(), dropped);
    }

    /** {@link #javaLikeThis} for a JVM started as {@code java} with {@code inputArguments}. */
    static List<String> javaLike(String java, List<String> inputArguments, String... dropped) {
        List<String> command = new ArrayList<>();
        command.add(java);
        for (String arg : inputArguments) {
            if (!arg.startsWith("-agentlib:jdwp") && !startsWithAny(arg, dropped)) {
                command.add(arg);
            }
        }
        // The JVM reports "--add-opens=java.base/java.lang=..." or the two-word form, or nothing
        // when the flag came from a manifest: a second one is harmless, a missing one is fatal.
        command.addAll(ADD_OPENS);
        return command;
    }

    private static boolean startsWithAny(String arg, String[] prefixes) {
        for (String prefix : prefixes) {
            if (arg.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
