package dev.cadre.server.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.json.CadreJson;
import io.javalin.http.Context;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads run forms the way AgentOS does: multipart or urlencoded, missing required fields and bad
 * booleans answered 422 with a validation-error list like FastAPI's.
 */
final class Forms {

    private Forms() {
    }

    /**
     * Parses the body as a form now, so that a malformed one (a multipart body without its boundary,
     * say) is the client's 400 rather than an error deep inside a handler.
     */
    static void parse(Context ctx) {
        try {
            ctx.formParamMap();
        } catch (Exception e) { // Javalin (Kotlin) may throw the servlet's checked exception as is
            Throwable t = e;
            while (t.getCause() != null && t.getCause() != t) {
                t = t.getCause();
            }
            throw new ApiException(400, "The body is not a valid form (multipart/form-data or "
                    + "application/x-www-form-urlencoded): " + t.getMessage());
        }
    }

    static String required(Context ctx, String field) {
        String v = ctx.formParam(field);
        if (v == null) {
            throw validation("missing", field, "Field required", null);
        }
        return v;
    }

    /** An optional text field; empty text counts as absent (agent-ui sends {@code session_id=''} for a new chat). */
    static Optional<String> optional(Context ctx, String field) {
        String v = ctx.formParam(field);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
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
                    "Input should be a valid boolean, unable to interpret input", v);
        };
    }

    static ApiException validation(String type, String field, String msg, String input) {
        ObjectNode err = CadreJson.mapper().createObjectNode();
        err.put("type", type);
        ArrayNode loc = err.putArray("loc");
        loc.add("body").add(field);
        err.put("msg", msg);
        if (input == null) {
            err.putNull("input");
        } else {
            err.put("input", input);
        }
        ArrayNode detail = CadreJson.mapper().createArrayNode().add(err);
        return new ApiException(422, detail);
    }
}
