package io.goloom.bench.workload;

import java.util.List;

/**
 * A Go program of the Go column: {@code /go/<name>/main.go} on the classpath, run with
 * {@code args}. Two workloads naming the same program and arguments share one run.
 *
 * @param name the program's directory under {@code src/main/go}
 * @param args its flags, sizing it like the Java workload
 */
public record GoProgram(String name, List<String> args) {

    public GoProgram {
        args = List.copyOf(args);
    }
}
