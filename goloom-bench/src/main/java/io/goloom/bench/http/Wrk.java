package io.goloom.bench.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The closed-loop saturation run: {@code wrk -t2 -c100 -d<seconds>s} (Debian's {@code wrk},
 * {@code /usr/bin/wrk}), its {@code Requests/sec} line parsed. wrk's own errors (socket errors,
 * responses other than 2xx/3xx) fail the run. Where wrk is not installed, {@link ClosedLoop}
 * stands in, and the generator says so on its standard error.
 */
final class Wrk {

    /** Where Debian's wrk package puts it. */
    static final Path DEBIAN_WRK = Path.of("/usr/bin/wrk");
    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern SOCKET_ERRORS = Pattern.compile(
            "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

    private Wrk() {
    }

    /** wrk on PATH, else Debian's; null if neither exists. */
    static Path find() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "wrk"))) {
                return Path.of(dir, "wrk");
            }
        }
        return Files.isExecutable(DEBIAN_WRK) ? DEBIAN_WRK : null;
    }

    /**
     * Requests per second of {@code wrk -t<threads> -c<connections> -d<seconds>s} against {@code port}.
     *
     * @throws IOException if wrk fails, prints no rate, or reports errors
     */
    static double run(Path wrk, int port, int threads, int connections, Duration duration)
            throws IOException, InterruptedException {
        long seconds = Math.max(1, duration.toSeconds());
        List<String> command = List.of(wrk.toString(), "-t" + threads, "-c" + connections, "-d" + seconds + "s",
                "--timeout", "10s", "http://127.0.0.1:" + port + "/");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(seconds + 30, TimeUnit.SECONDS)) {
                throw new IOException("`" + String.join(" ", command) + "` still running after " + (seconds + 30) + " s");
            }
        } finally {
            p.destroyForcibly();
        }
        if (p.exitValue() != 0) {
            throw new IOException("`" + String.join(" ", command) + "` exited with " + p.exitValue() + ": " + out.strip());
        }
        Matcher errors = SOCKET_ERRORS.matcher(out);
        Matcher non2xx = NON_2XX.matcher(out);
        if (errors.find() || non2xx.find()) {
            throw new IOException("wrk reported errors against the server: " + out.strip().replace('\n', ';'));
        }
        Matcher rate = RATE.matcher(out);
        if (!rate.find()) {
            throw new IOException("`" + String.join(" ", command) + "` printed no Requests/sec: " + out.strip());
        }
        return Double.parseDouble(rate.group(1));
    }
}
