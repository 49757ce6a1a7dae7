package io.goloom;

/**
 * Forked by {@link RetakenCarrierNiceTest} without {@code --enable-native-access}: builds a
 * runtime that asks for demoted carriers, so that it says on stdout why it cannot have them.
 */
public final class RetakenCarrierNiceMain {

    private RetakenCarrierNiceMain() {
    }

    public static void main(String[] args) throws Exception {
        try (GoRuntime rt = GoRuntime.builder().name("nice-main").procs(1).diagnostics(System.out)
                .retakenCarrierNice(19).build()) {
            rt.go(() -> { }).join();
        }
        System.out.println("done");
    }
}
