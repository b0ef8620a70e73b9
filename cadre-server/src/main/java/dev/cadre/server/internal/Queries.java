package dev.cadre.server.internal;

import dev.cadre.db.SessionType;
import io.javalin.http.Context;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * Query parameters as AgentOS reads them (FastAPI with pydantic): a value that does not parse, or is out of its
 * range, is a 422 naming the parameter with {@code loc ["query", name]}; an absent or blank one takes its default.
 */
final class Queries {

    private Queries() {
    }

    static int integer(Context ctx, String name, int dflt, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        int n;
        try {
            n = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw Forms.validation("query", "int_parsing", name,
                    "Input should be a valid integer, unable to parse string as an integer", v);
        }
        if (n < min || n > max) {
            throw Forms.validation("query", "out_of_range", name, "Input should be between " + min + " and " + max, v);
        }
        return n;
    }

    /** An optional epoch-seconds bound such as {@code created_after}. */
    static Optional<Long> epochSeconds(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(v.trim()));
        } catch (NumberFormatException e) {
            throw Forms.validation("query", "int_parsing", name,
                    "Input should be a valid integer, unable to parse string as an integer", v);
        }
    }

    static boolean bool(Context ctx, String name, boolean dflt) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on", "t", "y" -> true;
            case "false", "0", "no", "off", "f", "n" -> false;
            default -> throw Forms.validation("query", "bool_parsing", name,
                    "Input should be a valid boolean, unable to interpret input", v);
        };
    }

    /** An optional day such as {@code 2026-12-01}. */
    static Optional<LocalDate> date(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.parse(v.trim()));
        } catch (DateTimeParseException e) {
            throw Forms.validation("query", "date_parsing", name, "Input should be a valid date in the format"
                    + " YYYY-MM-DD", v);
        }
    }

    /** {@code asc} or {@code desc}, {@code desc} by default. */
    static boolean ascending(Context ctx, String name) {
        Optional<String> v = Forms.queryText(ctx, name);
        if (v.isEmpty()) {
            return false;
        }
        return switch (v.get().toLowerCase(Locale.ROOT)) {
            case "asc" -> true;
            case "desc" -> false;
            default -> throw Forms.validation("query", "enum", name, "Input should be 'asc' or 'desc'", v.get());
        };
    }

    /** The {@code type} of a session: Cadre has agents and teams (AgentOS also has workflows). */
    static Optional<SessionType> sessionType(Context ctx) {
        return Forms.queryText(ctx, "type").map(Queries::sessionType);
    }

    static SessionType sessionType(String type) {
        return switch (type.trim().toLowerCase(Locale.ROOT)) {
            case "agent" -> SessionType.AGENT;
            case "team" -> SessionType.TEAM;
            default -> throw Forms.validation("query", "enum", "type", "Input should be 'agent' or 'team'", type);
        };
    }
}
