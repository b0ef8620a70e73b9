package dev.cadre.server.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.json.CadreJson;
import dev.cadre.db.StoredText;
import io.javalin.http.Context;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads request input the way AgentOS does — run forms multipart or urlencoded, missing required fields
 * and bad values answered 422 with a validation-error list like FastAPI's — and holds every value to
 * what the stores accept ({@link StoredText}): ids of at most {@value StoredText#MAX_ID_LENGTH}
 * characters without control characters, text without NUL. A bad value is a 422 naming its field and
 * where it came from ({@code body}, {@code query} or {@code path}), before anything is read or written.
 */
final class Forms {

    private Forms() {
    }

    /**
     * Parses the body as a form now, so that a malformed one (a multipart body without its boundary,
     * say) is the client's 400 rather than an error deep inside a handler; a body that has not fully
     * arrived within {@code deadline} drops the connection.
     */
    static void parse(Context ctx, java.time.Duration deadline) {
        try (var reading = Connections.bodyDeadline(ctx, deadline)) {
            ctx.formParamMap();
        } catch (Exception e) { // Javalin (Kotlin) may throw the servlet's checked exception as is
            throw new ApiException(400, "The body is not a valid form: send multipart/form-data or "
                    + "application/x-www-form-urlencoded fields");
        }
    }

    static String required(Context ctx, String field) {
        String v = ctx.formParam(field);
        if (v == null) {
            throw validation("missing", field, "Field required", null);
        }
        return text("body", field, v);
    }

    /** An optional text field; empty text counts as absent (agent-ui sends {@code session_id=''} for a new chat). */
    static Optional<String> optional(Context ctx, String field) {
        String v = ctx.formParam(field);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(text("body", field, v.strip()));
    }

    /** An optional id field of the form: empty counts as absent. */
    static Optional<String> optionalId(Context ctx, String field) {
        String v = ctx.formParam(field);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(id("body", field, stripSpaces(v)));
    }

    /** An optional id in the query string: empty counts as absent. */
    static Optional<String> queryId(Context ctx, String field) {
        String v = ctx.queryParam(field);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(id("query", field, stripSpaces(v)));
    }

    /** An optional text value in the query string: blank counts as absent. */
    static Optional<String> queryText(Context ctx, String field) {
        String v = ctx.queryParam(field);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(text("query", field, v.strip()));
    }

    /** An id from the path. */
    static String pathId(Context ctx, String param) {
        return id("path", param, ctx.pathParam(param));
    }

    static boolean bool(Context ctx, String field, boolean dflt) {
        String v = ctx.formParam(field);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on", "t", "y" -> true;
            case "false", "0", "no", "off", "f", "n" -> false;
            default -> throw validation("bool_parsing", field,
                    "Input should be a valid boolean, unable to interpret input", printable(v));
        };
    }

    /** {@code value} as an id, or a 422 naming {@code field}. */
    static String id(String where, String field, String value) {
        Optional<String> problem = StoredText.idProblem(field, value);
        if (problem.isPresent()) {
            throw validation(where, "string_invalid", field, problem.get(), printable(value));
        }
        return value;
    }

    /** {@code value} as text a store accepts, or a 422 naming {@code field}. */
    static String text(String where, String field, String value) {
        Optional<String> problem = StoredText.textProblem(field, value);
        if (problem.isPresent()) {
            throw validation(where, "string_invalid", field, problem.get(), printable(value));
        }
        return value;
    }

    static ApiException validation(String type, String field, String msg, String input) {
        return validation("body", type, field, msg, input);
    }

    static ApiException validation(String where, String type, String field, String msg, String input) {
        ObjectNode err = CadreJson.mapper().createObjectNode();
        err.put("type", type);
        ArrayNode loc = err.putArray("loc");
        loc.add(where).add(field);
        err.put("msg", msg);
        if (input == null) {
            err.putNull("input");
        } else {
            err.put("input", input);
        }
        ArrayNode detail = CadreJson.mapper().createArrayNode().add(err);
        return new ApiException(422, detail);
    }

    /** Spaces around an id are dropped (forms often carry them); other characters are judged as they are. */
    private static String stripSpaces(String v) {
        int start = 0;
        int end = v.length();
        while (start < end && v.charAt(start) == ' ') {
            start++;
        }
        while (end > start && v.charAt(end - 1) == ' ') {
            end--;
        }
        return v.substring(start, end);
    }

    /** An input echoed back in a 422: control characters escaped, and cut if long. */
    static String printable(String v) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < v.length() && out.length() < 200; i++) {
            char c = v.charAt(i);
            out.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return v.length() > 200 ? out + "..." : out.toString();
    }
}
