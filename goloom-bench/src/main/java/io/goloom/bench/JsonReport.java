package io.goloom.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.StringJoiner;

/**
 * The results as JSON, for tools that track figures across runs:
 * <pre>{@code
 * {"machine": {"cores": 2, "cpu": "...", "os": "...", "jdk": "...", "maxHeapMb": 6144,
 *              "go": "...", "date": "..."},
 *  "rows": [{"workload": "spawn", "metric": "throughput", "unit": "spawns/s",
 *            "goloom": 2.1E6, "jdk": 2.7E6, "go": 1.9E6, "ratio": 0.78,
 *            "target": ">= 1.3", "verdict": "MISS"}, ...]}
 * }</pre>
 * A value that was not measured is {@code null}. Written by hand: the format is this small.
 */
public final class JsonReport {

    private JsonReport() {
    }

    /** Writes {@code machine} and {@code rows} to {@code file}, replacing it. */
    public static void write(Path file, Machine machine, List<Row> rows) throws IOException {
        StringJoiner rowsJson = new StringJoiner(",\n    ", "[\n    ", "\n  ]");
        for (Row r : rows) {
            rowsJson.add(object(
                    "workload", string(r.workload()),
                    "metric", string(r.metric().name()),
                    "unit", string(r.metric().unit()),
                    "goloom", number(r.goloom()),
                    "jdk", number(r.jdk()),
                    "go", number(r.go()),
                    "ratio", number(r.ratio()),
                    "target", string(r.metric().target().toString()),
                    "verdict", string(r.verdict())));
        }
        String machineJson = object(
                "cores", Integer.toString(machine.cores()),
                "cpu", string(machine.cpu()),
                "os", string(machine.os()),
                "jdk", string(machine.jdk()),
                "maxHeapMb", Long.toString(machine.maxHeapMb()),
                "go", string(machine.go()),
                "date", string(machine.date()));
        Files.writeString(file, "{\n  \"machine\": " + machineJson + ",\n  \"rows\": " + rowsJson + "\n}\n");
    }

    /** An object from alternating keys and already-encoded values. */
    private static String object(String... keysAndValues) {
        StringJoiner json = new StringJoiner(", ", "{", "}");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            json.add(string(keysAndValues[i]) + ": " + keysAndValues[i + 1]);
        }
        return json.toString();
    }

    private static String number(Double v) {
        return v == null || v.isNaN() || v.isInfinite() ? "null" : v.toString();
    }

    private static String string(String s) {
        StringBuilder json = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"').toString();
    }
}
