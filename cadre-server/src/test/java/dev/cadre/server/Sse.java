package dev.cadre.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.json.CadreJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The two ways real AgentOS clients read a run stream, re-done for tests. */
final class Sse {

    private Sse() {
    }

    /**
     * Agent UI's reading (agentos-api §3.6): ignore the SSE framing, find each top-level JSON object by
     * matching braces (minding strings and escapes), keep objects with a string {@code event} and no
     * top-level {@code data}. Fed in small slices, as a browser's reader would receive it.
     */
    static List<JsonNode> braceMatching(String body, int sliceSize) {
        List<JsonNode> out = new ArrayList<>();
        StringBuilder buffer = new StringBuilder();
        for (int i = 0; i < body.length(); i += sliceSize) {
            buffer.append(body, i, Math.min(body.length(), i + sliceSize));
            parseBuffer(buffer, out);
        }
        parseBuffer(buffer, out);
        return out;
    }

    private static void parseBuffer(StringBuilder buffer, List<JsonNode> out) {
        while (true) {
            int start = buffer.indexOf("{");
            if (start < 0) {
                buffer.setLength(0);
                return;
            }
            int depth = 0;
            boolean inString = false;
            boolean escaped = false;
            int end = -1;
            for (int i = start; i < buffer.length(); i++) {
                char ch = buffer.charAt(i);
                if (inString) {
                    if (escaped) {
                        escaped = false;
                    } else if (ch == '\\') {
                        escaped = true;
                    } else if (ch == '"') {
                        inString = false;
                    }
                } else if (ch == '"') {
                    inString = true;
                } else if (ch == '{') {
                    depth++;
                } else if (ch == '}') {
                    depth--;
                    if (depth == 0) {
                        end = i;
                        break;
                    }
                }
            }
            if (end < 0) {
                buffer.delete(0, start);
                return; // incomplete: wait for more
            }
            JsonNode parsed = read(buffer.substring(start, end + 1));
            if (parsed.path("event").isTextual() && !parsed.has("data")) {
                out.add(parsed);
            }
            buffer.delete(0, end + 1);
        }
    }

    /**
     * The Python client's reading (§3.7): line by line, skip blank and {@code :} comment lines, take
     * each {@code data: } line's rest as one whole JSON object.
     */
    static List<JsonNode> lineBased(String body) {
        List<JsonNode> out = new ArrayList<>();
        for (String line : body.split("\n", -1)) {
            dataLine(line).ifPresent(out::add);
        }
        return out;
    }

    static Optional<JsonNode> dataLine(String line) {
        if (line.isEmpty() || line.startsWith(":")) {
            return Optional.empty();
        }
        if (line.startsWith("data: ")) {
            return Optional.of(read(line.substring(6)));
        }
        return Optional.empty();
    }

    static List<String> names(List<JsonNode> events) {
        return events.stream().map(e -> e.get("event").asText()).toList();
    }

    /** Reads a live stream event by event. */
    static final class Reader implements AutoCloseable {
        private final BufferedReader lines;
        private final StringBuilder raw = new StringBuilder();

        Reader(InputStream in) {
            this.lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        }

        /** The next event, or empty at the end of the stream. */
        Optional<JsonNode> next() {
            try {
                String line;
                while ((line = lines.readLine()) != null) {
                    raw.append(line).append('\n');
                    Optional<JsonNode> e = dataLine(line);
                    if (e.isPresent()) {
                        return e;
                    }
                }
                return Optional.empty();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Reads until an event with this name and returns it. */
        JsonNode until(String name) {
            while (true) {
                JsonNode e = next().orElseThrow(() -> new AssertionError("The stream ended before " + name + ":\n" + raw));
                if (e.get("event").asText().equals(name)) {
                    return e;
                }
            }
        }

        /** Reads to the end; returns every event name seen after this call. */
        List<JsonNode> rest() {
            List<JsonNode> out = new ArrayList<>();
            for (Optional<JsonNode> e = next(); e.isPresent(); e = next()) {
                out.add(e.get());
            }
            return out;
        }

        String raw() {
            return raw.toString();
        }

        @Override
        public void close() throws IOException {
            lines.close();
        }
    }

    static JsonNode read(String json) {
        try {
            return CadreJson.mapper().readTree(json);
        } catch (IOException e) {
            throw new AssertionError("Not JSON: " + json, e);
        }
    }
}
