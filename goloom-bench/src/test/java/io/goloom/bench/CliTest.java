package io.goloom.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line without running anything: help, and every bad option reported on a line of its own. */
class CliTest {

    @TempDir
    Path tmp;

    private record Run(int status, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int status = cl.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void helpNamesTheLauncher() {
        Run top = run("--help");
        assertEquals(0, top.status());
        assertTrue(top.out().startsWith("Usage: ./goloom [-h] [COMMAND]"), top.out());
        for (String command : List.of("bench", "footprint", "jmh", "dump", "trace")) {
            Run help = run(command, "--help");
            assertEquals(0, help.status(), command);
            assertTrue(help.out().startsWith("Usage: ./goloom " + command + " "), help.out());
            assertFalse(help.out().contains("goloom-bench"), help.out());
        }
    }

    @Test
    void theCommandListShowsWholeSentences() {
        // Each command's first description line is its summary in the list: a sentence, not a fragment.
        String out = run("--help").out();
        for (String line : out.substring(out.indexOf("Commands:")).lines().skip(1).toList()) {
            if (!line.startsWith("               ")) {
                continue;
            }
            assertTrue(line.endsWith("."), "a summary continues or ends without a full stop: " + line);
        }
        assertTrue(out.contains("Parks N goroutines on one scheduler and prints what each one costs."), out);
        assertTrue(out.contains("Prints the goroutine dump of every goloom runtime in a running JVM."), out);
    }

    @Test
    void descriptionsWrapAsParagraphsNotAsTheSourceLines() {
        String out = run("bench", "--help").out();
        // One paragraph, wrapped by picocli: no line ends after "under the" as the old source lines did.
        assertFalse(out.contains("under the\n"), out);
        assertTrue(out.contains("DIR/<workload>.json"), out);
        String trace = run("trace", "--help").out();
        assertFalse(trace.contains("when its\n"), trace);
    }

    @Test
    void jmhHelpIsOursAndSaysHowArgumentsReachJmh() {
        Run help = run("jmh", "--help");
        assertEquals(0, help.status());
        assertTrue(help.out().startsWith("Usage: ./goloom jmh [--help] [JMH arguments...]"), help.out());
        assertTrue(help.out().contains("./goloom jmh -l"), help.out());
        assertTrue(help.out().contains("./goloom jmh ParkPingPong -f 1"), help.out());
        assertTrue(help.out().replaceAll("\\s+", " ").contains("-h prints JMH's own options"), help.out());
    }

    @Test
    void everyBadBenchOptionGetsItsOwnLine() {
        Run r = run("bench", "--rounds", "0", "--warmup", "-1", "--only", "nosuch");
        assertEquals(2, r.status());
        assertEquals("", r.out());
        List<String> lines = r.errLines();
        assertEquals("./goloom bench: --rounds must be 1 to 100, was 0", lines.get(0));
        assertEquals("./goloom bench: --warmup must be 0 to 100, was -1", lines.get(1));
        assertTrue(lines.get(2).startsWith(
                "./goloom bench: --only: unknown workload 'nosuch'; known: spawn, skynet, park-pingpong,"), lines.get(2));
        assertEquals("Run './goloom bench --help' for the options.", lines.get(3));
        assertEquals(4, lines.size(), r.err());
    }

    @Test
    void unparsableAndOutOfRangeValuesAreReportedTogether() {
        Run r = run("bench", "--rounds", "abc", "--round-timeout", "0", "--only", "spawn,nosuch,bad", "--quik");
        assertEquals(2, r.status());
        List<String> lines = r.errLines();
        assertTrue(lines.contains("./goloom bench: Invalid value for option '--rounds': 'abc' is not an int"), r.err());
        assertTrue(lines.contains("./goloom bench: Unknown option: '--quik'; did you mean --quick?"), r.err());
        assertTrue(lines.contains("./goloom bench: --round-timeout must be 1 to 3600, was 0"), r.err());
        assertTrue(lines.stream().anyMatch(
                l -> l.startsWith("./goloom bench: --only: unknown workloads 'nosuch', 'bad';")), r.err());
        assertEquals(5, lines.size(), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void outputPathsAreCheckedBeforeTheRun() throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        Run r = run("bench", "--json", file.resolve("out.json").toString(), "--trace", file.toString());
        assertEquals(2, r.status());
        assertEquals(List.of(
                "./goloom bench: --json: " + file.resolve("out.json") + " cannot be written: " + file
                        + " is not a directory",
                "./goloom bench: --trace: " + file + " is not a directory",
                "Run './goloom bench --help' for the options."), r.errLines());
        Run under = run("bench", "--json", tmp.toString(), "--trace", file.resolve("sub").toString());
        assertEquals(List.of(
                "./goloom bench: --json: " + tmp + " is a directory, not a file",
                "./goloom bench: --trace: cannot create directory " + file.resolve("sub") + ": " + file
                        + " is not a directory",
                "Run './goloom bench --help' for the options."), under.errLines());
    }

    @Test
    void otherCommandsReportEachBadOptionToo() {
        Run footprint = run("footprint", "--side", "x", "--count", "0", "--timeout", "0");
        assertEquals(2, footprint.status());
        assertEquals(List.of(
                "./goloom footprint: --side must be goloom or jdk, was 'x'",
                "./goloom footprint: --count must be 1 to 10000000, was 0",
                "./goloom footprint: --timeout must be 1 to 3600, was 0",
                "Run './goloom footprint --help' for the options."), footprint.errLines());
        assertEquals(List.of("./goloom dump: PID must be a positive process id, was 'abc'",
                "Run './goloom dump --help' for the options."), run("dump", "abc").errLines());
        assertEquals(List.of("./goloom dump: Missing required parameter: 'PID'",
                "Run './goloom dump --help' for the options."), run("dump").errLines());
        Run trace = run("trace", "--out", tmp.toString(), "--", "-x");
        assertEquals(List.of("./goloom trace: --out: " + tmp + " is a directory, not a file",
                "./goloom trace: MAIN must be a class name, was '-x' (put -- before the main class)",
                "Run './goloom trace --help' for the options."), trace.errLines());
    }

    @Test
    void noCommandPrintsTheUsageAndUnknownOnesAreNamed() {
        Run none = run();
        assertEquals(2, none.status());
        assertTrue(none.err().startsWith(
                "./goloom: missing command: bench, footprint, jmh, dump or trace\nUsage: ./goloom"), none.err());
        Run typo = run("bnech");
        assertEquals(2, typo.status());
        assertEquals("./goloom: Unmatched argument at index 0: 'bnech'; did you mean bench?", typo.errLines().get(0));
    }
}
