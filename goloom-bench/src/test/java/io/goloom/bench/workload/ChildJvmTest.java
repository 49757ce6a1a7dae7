package io.goloom.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChildJvmTest {

    @Test
    void aChildOfAJarStartedJvmGetsTheAddOpensItsManifestGaveTheParent() {
        // java -jar goloom-bench.jar: the flag is in the manifest, not among the input arguments.
        List<String> command = ChildJvm.javaLike("/jdk/bin/java", List.of("-Xmx1g"));
        assertEquals(List.of("/jdk/bin/java", "-Xmx1g", "--add-opens", "java.base/java.lang=ALL-UNNAMED"), command);
    }

    @Test
    void droppedFlagsAndADebuggerAgentAreLeftOut() {
        List<String> command = ChildJvm.javaLike("java",
                List.of("-agentlib:jdwp=transport=dt_socket,server=y", "-XX:StartFlightRecording=x", "-Xss1m"),
                "-XX:StartFlightRecording");
        assertEquals(List.of("java", "-Xss1m", "--add-opens", "java.base/java.lang=ALL-UNNAMED"), command);
    }
}
