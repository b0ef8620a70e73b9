package dev.cadre.server.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as maps, lists and scalars that remember their line, so that every config error
 * can name the line it is about. Jackson's own trees forget where a value came from.
 */
final class YamlTree {

    /** A value and the line it starts on (1-based). {@code value} is a Map, a List, a String or null. */
    record Node(Object value, int line, String path) {

        boolean isMap() {
            return value instanceof Map;
        }

        boolean isList() {
            return value instanceof List;
        }

        boolean isScalar() {
            return value == null || value instanceof String;
        }

        @SuppressWarnings("unchecked")
        Map<String, Node> map() {
            return (Map<String, Node>) value;
        }

        @SuppressWarnings("unchecked")
        List<Node> list() {
            return (List<Node>) value;
        }

        String text() {
            return (String) value;
        }
    }

    private static final YAMLFactory FACTORY = new YAMLFactory();

    private YamlTree() {
    }

    static Node parse(String yaml, String file) {
        try (JsonParser p = FACTORY.createParser(yaml)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return new Node(new LinkedHashMap<String, Node>(), 1, "");
            }
            return read(p, "", file);
        } catch (IOException e) {
            int line = e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe && jpe.getLocation() != null
                    ? jpe.getLocation().getLineNr() : 1;
            String msg = e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe
                    ? jpe.getOriginalMessage() : e.getMessage();
            String problem = describe(msg);
            // The line of the problem itself (Jackson's location is often that of the enclosing block).
            java.util.regex.Matcher at = java.util.regex.Pattern.compile(" at line (\\d+), column \\d+").matcher(problem);
            if (at.find()) {
                line = Integer.parseInt(at.group(1));
            }
            throw new ConfigException(file, line, "", "not valid YAML: " + problem);
        }
    }

    private static final java.util.regex.Pattern MARK =
            java.util.regex.Pattern.compile("^\\s+in '[^']*', (line \\d+, column \\d+):?$");

    /**
     * SnakeYAML's message in one sentence: its problem ("expected ..., but found ...") where it is, and the
     * context it arose in. The message has a statement per unindented line, each followed by an indented
     * "in 'reader', line L, column C:" and a snippet of the document with a caret; the snippets are left out.
     */
    static String describe(String message) {
        if (message == null || message.isBlank()) {
            return "cannot be parsed";
        }
        List<String> statements = new ArrayList<>();
        List<String> marks = new ArrayList<>();
        for (String l : message.split("\\R")) {
            java.util.regex.Matcher m = MARK.matcher(l);
            if (m.matches()) {
                if (marks.size() < statements.size()) {
                    marks.add(m.group(1));
                }
            } else if (!l.isBlank() && !Character.isWhitespace(l.charAt(0))) {
                if (marks.size() < statements.size()) {
                    marks.add(""); // a statement without a place
                }
                statements.add(l.strip());
            }
        }
        if (statements.isEmpty()) {
            return message.strip();
        }
        String problem = statements.getLast() + at(marks, statements.size() - 1);
        if (statements.size() == 1) {
            return problem;
        }
        String context = at(marks, 0);
        return problem + " (" + statements.getFirst() + (context.isEmpty() ? "" : " that starts" + context) + ")";
    }

    private static String at(List<String> marks, int i) {
        return i < marks.size() && !marks.get(i).isEmpty() ? " at " + marks.get(i) : "";
    }

    private static Node read(JsonParser p, String path, String file) throws IOException {
        int line = p.currentTokenLocation().getLineNr();
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, Node> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    int keyLine = p.currentTokenLocation().getLineNr();
                    String childPath = path.isEmpty() ? key : path + "." + key;
                    if (m.containsKey(key)) {
                        throw new ConfigException(file, keyLine, childPath, "appears twice");
                    }
                    p.nextToken();
                    Node child = read(p, childPath, file);
                    // A key with no value ("db:") is reported on the key's line, not the next token's.
                    m.put(key, child.value() == null ? new Node(null, keyLine, childPath) : child);
                }
                return new Node(m, line, path);
            }
            case START_ARRAY -> {
                List<Node> l = new ArrayList<>();
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(read(p, path + "[" + i + "]", file));
                    i++;
                }
                return new Node(l, line, path);
            }
            case VALUE_NULL -> {
                return new Node(null, line, path);
            }
            default -> {
                return new Node(p.getText(), line, path);
            }
        }
    }
}
