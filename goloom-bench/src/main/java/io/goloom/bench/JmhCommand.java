package io.goloom.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code jmh}: the JMH benchmarks of {@code io.goloom.bench.jmh}, every argument but
 * {@code --help} passed to JMH (JMH has no {@code --help}: {@code -h} is its help).
 */
@Command(name = "jmh", customSynopsis = "./goloom jmh [--help] [JMH arguments...]",
        description = {
                "Runs the JMH micro-benchmarks; every argument except --help goes to JMH unchanged.",
                "%nA benchmark is chosen by a regular expression on its name (e.g. ParkPingPong, Yield), each"
                        + " runs on both schedulers (-p side=goloom,jdk) unless told otherwise, and any JMH option"
                        + " works: -l lists the benchmarks, -h prints JMH's own options.",
                "%nExamples:",
                "  ./goloom jmh -l",
                "  ./goloom jmh ParkPingPong -f 1",
                "  ./goloom jmh Yield -p side=goloom -wi 3 -i 5",
                "  ./goloom jmh -h%n"})
final class JmhCommand implements Callable<Integer> {

    @Option(names = "--help", usageHelp = true, description = "Show this help and exit (-h is JMH's help).")
    private boolean help;

    @Unmatched
    private List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        org.openjdk.jmh.Main.main(args.toArray(String[]::new));
        return 0;
    }
}
