package io.goloom.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The comparison table as aligned plain text, one {@link Row} per line. */
public final class ResultTable {

    private static final List<String> HEADER = List.of(
            "workload", "metric", "unit", "goloom", "jdk", "go", "goloom/jdk", "target", "verdict");

    private ResultTable() {
    }

    /** Prints {@code rows} under a header, columns padded to their widest cell. */
    public static void print(List<Row> rows, PrintStream out) {
        List<List<String>> lines = new ArrayList<>();
        lines.add(HEADER);
        for (Row r : rows) {
            lines.add(List.of(r.workload(), r.metric().name(), r.metric().unit(), value(r.goloom()),
                    value(r.jdk()), value(r.go()), ratio(r.ratio()), r.metric().target().toString(),
                    r.verdict()));
        }
        int[] widths = new int[HEADER.size()];
        for (List<String> line : lines) {
            for (int c = 0; c < widths.length; c++) {
                widths[c] = Math.max(widths[c], line.get(c).length());
            }
        }
        for (int i = 0; i < lines.size(); i++) {
            out.println(format(lines.get(i), widths));
            if (i == 0) {
                out.println("-".repeat(format(HEADER, widths).length()));
            }
        }
    }

    private static String format(List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            String cell = cells.get(c);
            // Text columns left-aligned, numbers right-aligned; the verdict is last and not padded.
            boolean numeric = c >= 3 && c <= 6;
            String pad = " ".repeat(widths[c] - cell.length());
            line.append(numeric ? pad + cell : c == cells.size() - 1 ? cell : cell + pad);
            if (c < cells.size() - 1) {
                line.append("  ");
            }
        }
        return line.toString();
    }

    /** Three significant digits is all a noisy shared machine supports; large values keep their integer part. */
    static String value(Double v) {
        if (v == null) {
            return "-";
        }
        double a = Math.abs(v);
        String pattern = a >= 1000 ? "%,.0f" : a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f";
        return String.format(Locale.ROOT, pattern, v);
    }

    private static String ratio(Double r) {
        return r == null ? "-" : String.format(Locale.ROOT, "%.2f", r);
    }
}
