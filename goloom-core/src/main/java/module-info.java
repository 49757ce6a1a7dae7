/**
 * goloom: Go's G-M-P goroutine scheduler for JDK 25 virtual threads.
 *
 * <p>Exports the API only: {@code io.goloom} (the runtime, {@code Go}, the handles and the
 * observability types), {@code io.goloom.chan}, {@code io.goloom.context} and
 * {@code io.goloom.sync}. The scheduler ({@code io.goloom.sched}) and the diagnostics
 * ({@code io.goloom.trace}) are internal. On the module path goloom needs
 * {@code --add-opens java.base/java.lang=io.goloom} (on the class path, {@code =ALL-UNNAMED}):
 * it builds virtual threads through the JDK's package-private constructor.
 */
module io.goloom {
    requires java.management;   // the runtime's MXBean
    requires jdk.jfr;           // goloom's JFR events

    exports io.goloom;
    exports io.goloom.chan;
    exports io.goloom.context;
    exports io.goloom.sync;
}
