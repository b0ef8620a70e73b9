package dev.cadre.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The results of one bench run: printed as a table, and written as JSON and Markdown. */
record Report(String mode, String startedAt, double seconds, Map<String, String> machine,
        Map<String, String> environment, List<SuiteReport> suites) {

    /** What one suite returned from its JVM. */
    record SuiteReport(String suite, String title, double seconds, Map<String, String> environment,
            List<Result> results, String failure) {
    }

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    static Report of(String mode, String startedAt, double seconds, Map<String, String> machine,
            List<SuiteReport> suites) {
        Map<String, String> env = new LinkedHashMap<>();
        suites.forEach(s -> env.putAll(s.environment()));
        return new Report(mode, startedAt, seconds, machine, env, suites);
    }

    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        JSON.writeValue(dir.resolve("bench-results.json").toFile(), this);
        Files.writeString(dir.resolve("bench-results.md"), markdown());
    }

    String table() {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"benchmark", "Cadre", "baseline", "ratio", "unit", "samples", "baseline is"});
        for (SuiteReport s : suites) {
            if (s.failure() != null) {
                rows.add(new String[] {s.suite() + ": FAILED", "", "", "", "", "", s.failure()});
            }
            for (Result r : s.results()) {
                rows.add(new String[] {r.benchmark(), num(r.cadre()), num(r.baseline()), ratio(r.ratio()), r.unit(),
                        String.valueOf(r.samples()), r.baselineName()});
            }
        }
        int[] width = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            for (int i = 0; i < row.length; i++) {
                boolean numeric = i >= 1 && i <= 3 || i == 5;
                String cell = numeric ? " ".repeat(width[i] - row[i].length()) + row[i]
                        : row[i] + " ".repeat(width[i] - row[i].length());
                out.append(cell).append(i < row.length - 1 ? "  " : "");
            }
            out.append('\n');
            if (r == 0) {
                for (int i = 0; i < row.length; i++) {
                    out.append("-".repeat(width[i])).append(i < row.length - 1 ? "  " : "");
                }
                out.append('\n');
            }
        }
        return out.toString();
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("Mode `").append(mode).append("`, started ").append(startedAt).append(", took ")
                .append(String.format(Locale.ROOT, "%.0f s", seconds)).append(".\n\n");
        md.append("| machine | |\n|---|---|\n");
        machine.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        environment.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        for (SuiteReport s : suites) {
            md.append("\n### ").append(s.title()).append("\n\n");
            if (s.failure() != null) {
                md.append("**Failed:** ").append(s.failure()).append("\n\n");
            }
            if (s.results().isEmpty()) {
                continue;
            }
            md.append("| benchmark | Cadre | baseline | ratio | unit | samples | baseline is | note |\n");
            md.append("|---|--:|--:|--:|---|--:|---|---|\n");
            for (Result r : s.results()) {
                md.append("| ").append(r.benchmark()).append(" | ").append(num(r.cadre())).append(" | ")
                        .append(num(r.baseline())).append(" | ").append(ratio(r.ratio())).append(" | ")
                        .append(r.unit()).append(" | ").append(r.samples()).append(" | ").append(r.baselineName())
                        .append(" | ").append(r.note() == null ? "" : r.note()).append(" |\n");
            }
        }
        return md.toString();
    }

    static String num(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        double a = Math.abs(v);
        if (a >= 100_000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String ratio(double r) {
        return Double.isNaN(r) ? "–" : String.format(Locale.ROOT, "%.2f×", r);
    }
}
