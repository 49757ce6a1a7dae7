package io.goloom.bench.workload;

import io.goloom.GoRuntime;

import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The fresh JVM of the {@link Startup} row: {@code main(goloom | jdk)} times the side's first
 * build and first empty goroutine from its own start and prints {@code build-ms=} and
 * {@code first-goroutine-ms=}. Nothing else runs before the clock starts: this class touches no
 * goloom class, and no management bean, before its first line.
 */
public final class StartupChild {

    private StartupChild() {
    }

    /** Measures the side named by {@code args[0]}. */
    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        long built, ran;
        switch (args.length == 1 ? args[0] : "") {
            case "goloom" -> {
                GoRuntime rt = GoRuntime.builder().build();
                built = System.nanoTime();
                rt.go(() -> { }).join();
                ran = System.nanoTime();
                rt.close();
            }
            case "jdk" -> {
                ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
                built = System.nanoTime();
                Thread.ofVirtual().start(() -> { }).join();
                ran = System.nanoTime();
                executor.close();
            }
            default -> {
                System.err.println("usage: StartupChild goloom|jdk");
                System.exit(2);
                return;
            }
        }
        System.out.printf(Locale.ROOT, "%s=%.3f%n%s=%.3f%n", Startup.BUILD, (built - start) / 1e6,
                Startup.FIRST, (ran - start) / 1e6);
    }
}
