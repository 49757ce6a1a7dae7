package io.goloom.bench.workload;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/** Command lines for the child JVMs that rows and subcommands start. */
public final class ChildJvm {

    private ChildJvm() {
    }

    /**
     * The start of a command line for a new JVM like this one: this JVM's {@code java} and its
     * flags (the {@code --add-opens} goloom needs, {@code -Xmx}, {@code -XX:ActiveProcessorCount},
     * ...), except a debugger agent, which would make the child wait for a debugger, and the
     * flags that start with one of {@code dropped}. The caller adds the class path, the main
     * class and its arguments.
     *
     * <pre>{@code
     * List<String> command = ChildJvm.javaLikeThis("-XX:StartFlightRecording");
     * command.addAll(List.of("-cp", System.getProperty("java.class.path"), "my.Main"));
     * }</pre>
     */
    public static List<String> javaLikeThis(String... dropped) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-agentlib:jdwp") && !startsWithAny(arg, dropped)) {
                command.add(arg);
            }
        }
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
