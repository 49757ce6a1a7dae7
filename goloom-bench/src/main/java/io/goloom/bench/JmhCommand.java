package io.goloom.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code jmh}: the JMH benchmarks of {@code io.goloom.bench.jmh}, every argument passed to JMH. */
@Command(name = "jmh",
        description = {
                "Runs the JMH benchmarks; every argument goes to JMH unchanged.",
                "Examples: jmh -l (list), jmh -h (JMH's help), jmh Yield -p side=goloom"})
final class JmhCommand implements Callable<Integer> {

    @Unmatched
    private List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        org.openjdk.jmh.Main.main(args.toArray(String[]::new));
        return 0;
    }
}
