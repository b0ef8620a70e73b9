package dev.cadre.server.internal.auth;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Path normalisation and the two pattern languages used here. Stateless and thread-safe. */
final class RequestPaths {

    private RequestPaths() {
    }

    /** The path without trailing slashes, {@code "/"} for the root (and for an empty path). */
    static String normalize(String path) {
        String p = path;
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.isEmpty() ? "/" : p;
    }

    /** The method in upper case, as the route table spells it. */
    static String method(String method) {
        return method.toUpperCase(Locale.ROOT);
    }

    /**
     * Shell-style matching as AgentOS applies it to excluded paths: {@code *} matches any run of characters,
     * slashes included, {@code ?} any one character; everything else (brackets too) is literal. Case-sensitive.
     */
    static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    /**
     * Segment matching for the route table: {@code *} is exactly one path segment; a final {@code **} is one or
     * more segments. Unlike shell globbing, {@code /agents/*} therefore never swallows {@code /agents/x/runs/y},
     * which keeps each route's scope independent of the table's order.
     */
    static boolean matchesRoute(List<String> pattern, List<String> path) {
        for (int i = 0; i < pattern.size(); i++) {
            String p = pattern.get(i);
            if (p.equals("**") && i == pattern.size() - 1) {
                return path.size() > i;
            }
            if (i >= path.size() || !(p.equals("*") || p.equals(path.get(i)))) {
                return false;
            }
        }
        return path.size() == pattern.size();
    }

    /** The segments of a normalised path: {@code "/a/b"} is {@code [a, b]}, the root is none. */
    static List<String> segments(String normalizedPath) {
        String p = normalizedPath.startsWith("/") ? normalizedPath.substring(1) : normalizedPath;
        return p.isEmpty() ? List.of() : List.of(p.split("/", -1));
    }
}
