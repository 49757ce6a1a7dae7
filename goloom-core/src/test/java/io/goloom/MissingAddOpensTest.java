package io.goloom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Without --add-opens java.base/java.lang=ALL-UNNAMED, build() fails fast with a message naming the flag. */
class MissingAddOpensTest {

    static final String FLAG = "--add-opens java.base/java.lang=ALL-UNNAMED";

    /** Runs {@link BuildRuntimeMain} in a fresh JVM, with or without the flag. */
    private static Result run(boolean withFlag) throws Exception {
        return run(withFlag, BuildRuntimeMain.class);
    }

    /** Runs {@code main} in a fresh JVM, with or without the flag. */
    private static Result run(boolean withFlag, Class<?> main) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(TestSupport.javaLauncher());
        if (withFlag) {
            cmd.add("--add-opens");
            cmd.add("java.base/java.lang=ALL-UNNAMED");
        }
        cmd.add("-Xshare:auto");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        Path out = Files.createTempFile("goloom-fork", ".out");
        Path err = Files.createTempFile("goloom-fork", ".err");
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("forked JVM did not exit within 60 s: " + cmd);
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private record Result(int exit, String stdout, String stderr) {
    }

    /** A JVM without the flag: build() throws, the JVM exits non-zero, stderr names the flag. */
    @Test
    @Timeout(90)
    void buildWithoutAddOpensNamesTheFlag() throws Exception {
        Result r = run(false);
        assertNotEquals(0, r.exit(), "exit code; stdout: " + r.stdout() + " stderr: " + r.stderr());
        assertTrue(r.stderr().contains(FLAG), "stderr does not name the flag:\n" + r.stderr());
        assertTrue(r.stderr().contains("IllegalStateException"), r.stderr());
        assertTrue(!r.stdout().contains(BuildRuntimeMain.OK), r.stdout());
    }

    /** Control: the same forked JVM with the flag builds a runtime and runs a goroutine. */
    @Test
    @Timeout(90)
    void buildWithAddOpensWorksInTheSameFork() throws Exception {
        Result r = run(true);
        assertEquals(0, r.exit(), "stdout: " + r.stdout() + " stderr: " + r.stderr());
        assertTrue(r.stdout().contains(BuildRuntimeMain.OK), r.stdout());
    }

    /**
     * Without the flag no runtime can be built, but channels, select, contexts and the sync
     * types still work on platform threads and JDK virtual threads (they call goloom's
     * preemption checkpoint, which once threw a NullPointerException there).
     */
    @Test
    @Timeout(90)
    void channelsWorkWithoutTheFlag() throws Exception {
        Result r = run(false, ChannelsWithoutGoloomMain.class);
        assertEquals(0, r.exit(), "stdout: " + r.stdout() + " stderr: " + r.stderr());
        assertTrue(r.stdout().contains(ChannelsWithoutGoloomMain.OK), r.stdout());
    }
}
