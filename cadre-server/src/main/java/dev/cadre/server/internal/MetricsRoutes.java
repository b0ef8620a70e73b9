package dev.cadre.server.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.json.CadreJson;
import dev.cadre.db.DailyUsage;
import dev.cadre.db.Db;
import dev.cadre.db.TokenCounts;
import dev.cadre.db.UsageQuery;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * AgentOS's usage metrics: {@code GET /metrics} with one {@code DayAggregatedMetrics} per UTC day, and the
 * refresh routes its client calls. AgentOS keeps a table of daily figures that a refresh recomputes; Cadre adds
 * them up from the stored sessions and runs when asked ({@link Db#usageByDay}), so they are always current
 * and a refresh has nothing to do. Under user isolation a caller's figures count only their own sessions and
 * runs.
 */
final class MetricsRoutes {

    private final Db store;

    MetricsRoutes(Db store) {
        this.store = store;
    }

    /** {@code GET /metrics?starting_date=YYYY-MM-DD&ending_date=YYYY-MM-DD}, both optional and inclusive. */
    void get(Context ctx) {
        List<DailyUsage> days = days(ctx, Queries.date(ctx, "starting_date"), Queries.date(ctx, "ending_date"));
        ObjectNode body = Views.obj();
        ArrayNode metrics = body.putArray("metrics");
        days.forEach(d -> metrics.add(day(d, scope(ctx))));
        Optional<Instant> latest = days.stream().map(DailyUsage::lastActivity).max(Instant::compareTo);
        if (latest.isPresent()) {
            body.put("updated_at", Views.iso(latest.get()));
        } else {
            body.putNull("updated_at");
        }
        Views.json(ctx, 200, body);
    }

    /**
     * {@code POST /metrics/refresh}: the current figures of every day (200), or with {@code background=true} a
     * 202 saying there is nothing left to do.
     */
    void refresh(Context ctx) {
        if (Queries.bool(ctx, "background", false)) {
            ObjectNode n = Views.obj();
            n.put("status", "completed");
            n.put("message", "Cadre adds metrics up from the stored runs when they are read; they are always current");
            Views.json(ctx, 202, n);
            return;
        }
        ArrayNode a = CadreJson.mapper().createArrayNode();
        days(ctx, Optional.empty(), Optional.empty()).forEach(d -> a.add(day(d, scope(ctx))));
        Views.json(ctx, 200, a);
    }

    /** {@code GET /metrics/refresh/status}: idle, since no refresh ever runs. */
    void refreshStatus(Context ctx) {
        ObjectNode n = Views.obj();
        n.put("status", "idle");
        Views.json(ctx, 200, n);
    }

    private List<DailyUsage> days(Context ctx, Optional<LocalDate> from, Optional<LocalDate> to) {
        if (from.isPresent() && to.isPresent() && from.get().isAfter(to.get())) {
            throw new ApiException(400, "starting_date " + from.get() + " is after ending_date " + to.get());
        }
        return store.usageByDay(new UsageQuery(from, to, Access.caller(ctx).scopedUserId()));
    }

    private String scope(Context ctx) {
        return store.id() + Access.caller(ctx).scopedUserId().map(u -> "/" + u).orElse("");
    }

    /** AgentOS's {@code DayAggregatedMetrics}, in its field order; Cadre has no workflows and no audio tokens. */
    private static ObjectNode day(DailyUsage d, String scope) {
        ObjectNode n = Views.obj();
        // A stable id per day and scope: the figures are computed, not rows with ids of their own.
        n.put("id", UUID.nameUUIDFromBytes((scope + "/" + d.date()).getBytes(StandardCharsets.UTF_8)).toString());
        n.put("agent_runs_count", d.agentRuns());
        n.put("agent_sessions_count", d.agentSessions());
        n.put("team_runs_count", d.teamRuns());
        n.put("team_sessions_count", d.teamSessions());
        n.put("workflow_runs_count", 0);
        n.put("workflow_sessions_count", 0);
        n.put("users_count", d.users());
        TokenCounts t = d.tokens();
        ObjectNode tokens = n.putObject("token_metrics");
        tokens.put("input_tokens", t.inputTokens());
        tokens.put("output_tokens", t.outputTokens());
        tokens.put("total_tokens", t.totalTokens());
        tokens.put("audio_total_tokens", 0);
        tokens.put("audio_input_tokens", 0);
        tokens.put("audio_output_tokens", 0);
        tokens.put("cache_read_tokens", t.cacheReadTokens());
        tokens.put("cache_write_tokens", t.cacheWriteTokens());
        tokens.put("reasoning_tokens", t.reasoningTokens());
        ArrayNode models = n.putArray("model_metrics");
        for (DailyUsage.ModelRuns m : d.models()) {
            ObjectNode entry = models.addObject();
            entry.put("model_id", m.modelId());
            entry.put("model_provider", m.provider());
            entry.put("count", m.runs());
        }
        n.put("date", d.date() + "T00:00:00Z");
        n.put("created_at", Views.iso(d.firstActivity()));
        n.put("updated_at", Views.iso(d.lastActivity()));
        return n;
    }
}
