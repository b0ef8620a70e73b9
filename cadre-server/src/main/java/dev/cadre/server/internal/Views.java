package dev.cadre.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.Agent;
import dev.cadre.Component;
import dev.cadre.Team;
import dev.cadre.json.CadreJson;
import dev.cadre.model.Model;
import dev.cadre.run.RunResult;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** The JSON shapes of AgentOS's response models, built from Cadre's values; sessions' are {@link SessionViews}. */
final class Views {

    private Views() {
    }

    static ObjectNode obj() {
        return CadreJson.mapper().createObjectNode();
    }

    static void json(io.javalin.http.Context ctx, int status, JsonNode body) {
        ctx.status(status).contentType("application/json").result(CadreJson.write(body));
    }

    /** ISO-8601 UTC to the second, as pydantic writes the listing schemas' datetimes. */
    static String iso(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    static ObjectNode component(Component<?> c, String dbId) {
        ObjectNode n = obj();
        n.put("id", c.id());
        n.put("name", c.name());
        n.put("db_id", c.db().map(s -> s.id()).orElse(dbId));
        switch (c) {
            case Agent a -> {
                a.description().ifPresent(d -> n.put("description", d));
                a.role().ifPresent(r -> n.put("role", r));
                c.model().ifPresent(m -> n.set("model", model(m)));
                if (!a.instructions().isEmpty()) {
                    n.putObject("system_message").set("instructions", strings(a.instructions()));
                }
            }
            case Team t -> {
                t.description().ifPresent(d -> n.put("description", d));
                n.put("mode", t.mode().name().toLowerCase(java.util.Locale.ROOT));
                c.model().ifPresent(m -> n.set("model", model(m)));
                if (!t.instructions().isEmpty()) {
                    n.putObject("system_message").set("instructions", strings(t.instructions()));
                }
                ArrayNode members = n.putArray("members");
                for (Component<?> m : t.members()) {
                    members.add(component(m, dbId));
                }
            }
        }
        n.put("streaming", true);
        n.put("is_factory", false);
        n.put("is_component", false);
        return n;
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode a = CadreJson.mapper().createArrayNode();
        values.forEach(a::add);
        return a;
    }

    static ObjectNode model(Model m) {
        ObjectNode n = obj();
        n.put("name", m.name());
        n.put("model", m.id());
        n.put("provider", m.provider());
        return n;
    }

    /**
     * {@code RunOutput.to_dict()} / {@code TeamRunOutput.to_dict()}: Cadre's JSON of the run plus the
     * few fields Agno always writes.
     */
    static ObjectNode run(RunResult run) {
        ObjectNode n = (ObjectNode) CadreJson.tree(run);
        if (!n.has("content_type")) {
            n.put("content_type", "str");
        }
        n.put("status", run.status().name());
        run.error().ifPresent(e -> {
            // Agno keeps a failed run's message in content; Cadre keeps both.
            if (run.content().isEmpty()) {
                n.put("content", e.message());
            }
        });
        return n;
    }
}
