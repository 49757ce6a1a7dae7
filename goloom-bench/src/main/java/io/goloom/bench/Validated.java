package io.goloom.bench;

import java.util.List;

/**
 * A command that checks its options before it runs, so that {@link Main} reports every bad
 * option at once, one line each, together with those picocli could not parse.
 */
interface Validated {

    /** One line per bad option, naming the value and what is accepted; empty when all are good. */
    List<String> problems();
}
