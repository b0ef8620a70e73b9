package dev.cadre.db;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.cadre.json.CadreJson;
import dev.cadre.run.RunResult;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * What text a {@link Db} accepts, the same for every store.
 *
 * <ul>
 *   <li><b>Ids</b> (run, session and user ids) are 1 to {@value #MAX_ID_LENGTH} characters, not blank,
 *       without control characters (NUL, tab, newline, ...). Callers that break this get an
 *       {@link IllegalArgumentException} before anything is written.
 *   <li><b>Text from callers</b> (a run's input, a session's name) may hold any character except NUL,
 *       which PostgreSQL cannot store in text or JSON; such text is refused the same way.
 *   <li><b>Text produced by a run</b> (model output, tool results, events) is kept as it is, except that
 *       a NUL becomes U+FFFD (the replacement character) when it is stored: a model answering a NUL
 *       must not make a run's final state unstorable.
 * </ul>
 *
 * <p>Db implementations call {@link #checkId} on the ids they are given and store
 * {@link #clean(RunResult)} of each run. Thread-safe, stateless.
 */
public final class StoredText {

    /** The longest id accepted. */
    public static final int MAX_ID_LENGTH = 256;
    private static final char NUL = '\u0000';
    private static final char REPLACEMENT = '\uFFFD';

    private StoredText() {
    }

    /**
     * Why {@code id} is not an acceptable id, or empty when it is.
     *
     * @param what the id's name for the message, such as {@code session_id}
     */
    public static Optional<String> idProblem(String what, String id) {
        if (id == null || id.isEmpty()) {
            return Optional.of(what + " must not be empty");
        }
        if (id.length() > MAX_ID_LENGTH) {
            return Optional.of(what + " is " + id.length() + " characters long; at most " + MAX_ID_LENGTH
                    + " are allowed");
        }
        for (int i = 0; i < id.length(); i++) {
            if (Character.isISOControl(id.charAt(i))) {
                return Optional.of(what + " must not contain control characters (found U+"
                        + String.format("%04X", (int) id.charAt(i)) + " at position " + i + ")");
            }
        }
        if (id.isBlank()) {
            return Optional.of(what + " must not be blank");
        }
        return Optional.empty();
    }

    /** @throws IllegalArgumentException when {@code id} is not an acceptable id; the message names {@code what} */
    public static String checkId(String what, String id) {
        idProblem(what, id).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
        return id;
    }

    /** Why {@code text} from a caller cannot be stored, or empty when it can. */
    public static Optional<String> textProblem(String what, String text) {
        int nul = text == null ? -1 : text.indexOf(NUL);
        return nul < 0 ? Optional.empty()
                : Optional.of(what + " must not contain the NUL character (U+0000, found at position " + nul + ")");
    }

    /** @throws IllegalArgumentException when {@code text} from a caller cannot be stored */
    public static String checkText(String what, String text) {
        textProblem(what, text).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
        return text;
    }

    /** Why a JSON value from a caller cannot be stored (a NUL in one of its strings or field names), or empty when it can. */
    public static Optional<String> jsonProblem(String what, JsonNode node) {
        return node != null && hasNul(node)
                ? Optional.of(what + " must not contain the NUL character (U+0000) in any text")
                : Optional.empty();
    }

    /** @throws IllegalArgumentException when a JSON value from a caller cannot be stored */
    public static <T extends JsonNode> T checkJson(String what, T node) {
        jsonProblem(what, node).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
        return node;
    }

    /** {@code text} with every NUL replaced by U+FFFD. */
    public static String clean(String text) {
        return text == null || text.indexOf(NUL) < 0 ? text : text.replace(NUL, REPLACEMENT);
    }

    /** {@code node} with every NUL in its strings (and field names) replaced; {@code node} itself when it has none. */
    public static JsonNode clean(JsonNode node) {
        return hasNul(node) ? replaceIn(node.deepCopy()) : node;
    }

    /** {@code run} with every NUL in its text replaced; {@code run} itself when it has none. */
    public static RunResult clean(RunResult run) {
        JsonNode tree = CadreJson.mapper().valueToTree(run);
        if (!hasNul(tree)) {
            return run;
        }
        try {
            return CadreJson.mapper().treeToValue(replaceIn(tree), run.getClass());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Run " + run.runId() + " cannot be copied for storage: " + e.getMessage(), e);
        }
    }

    private static boolean hasNul(JsonNode node) {
        if (node.isTextual()) {
            return node.textValue().indexOf(NUL) >= 0;
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().indexOf(NUL) >= 0 || hasNul(e.getValue())) {
                    return true;
                }
            }
            return false;
        }
        if (node.isArray()) {
            for (JsonNode item : node) {
                if (hasNul(item)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Replaces in place (on a copy the caller owns) and returns the result. */
    private static JsonNode replaceIn(JsonNode node) {
        if (node.isTextual()) {
            return TextNode.valueOf(clean(node.textValue()));
        }
        if (node instanceof ObjectNode obj) {
            ObjectNode out = obj.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.set(clean(e.getKey()), replaceIn(e.getValue()));
            }
            return out;
        }
        if (node instanceof ArrayNode arr) {
            for (int i = 0; i < arr.size(); i++) {
                arr.set(i, replaceIn(arr.get(i)));
            }
        }
        return node;
    }
}
