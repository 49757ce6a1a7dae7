package io.goloom;

/** Forked by {@link MissingAddOpensTest}: builds a runtime, runs one goroutine, prints OK. */
public final class BuildRuntimeMain {

    static final String OK = "goloom-runtime-ok";

    private BuildRuntimeMain() {
    }

    public static void main(String[] args) throws Exception {
        try (GoRuntime rt = GoRuntime.builder().name("fork").procs(1).build()) {
            GoHandle h = rt.go(() -> {
                if (!Go.inGoroutine()) {
                    throw new AssertionError("not in a goroutine");
                }
            });
            h.join();
        }
        System.out.println(OK);
    }
}
