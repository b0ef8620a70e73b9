package dev.cadre.jdbc.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.json.CadreJson;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.db.StoredText;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One run as the columns of a row, and back.
 *
 * <p>The run's JSON (Cadre's format) is split: identity, status, error, model and times go to plain
 * columns that can be indexed and queried; input, messages, tools, metrics and events go to JSON
 * columns of their own; content is text. Any field of the run JSON that this class does not know
 * (added to the run types later) lands in {@code extra} and is merged back on read, so a newer core
 * never loses data in an older schema. Member runs are never part of a row: they are rows of their
 * own linked by {@code parent_run_id}.
 *
 * @param componentType {@code agent} or {@code team}
 */
public record RunRow(
        String runId,
        String sessionId,
        Optional<String> parentRunId,
        String componentType,
        String componentId,
        String componentName,
        Optional<String> userId,
        RunStatus status,
        Optional<String> errorType,
        Optional<String> errorMessage,
        Optional<String> model,
        Optional<String> modelProvider,
        String input,
        String content,
        String messages,
        String tools,
        String metrics,
        String events,
        Optional<String> extra,
        long createdAtMillis) {

    public static final String AGENT = "agent";
    public static final String TEAM = "team";

    private static final ObjectMapper JSON = CadreJson.mapper();

    /** Fields of the run JSON that have a column, or that are never stored in the row. */
    private static final Set<String> MAPPED = Set.of("run_id", "session_id", "parent_run_id", "user_id",
            "agent_id", "agent_name", "team_id", "team_name", "status", "error", "model", "model_provider",
            "input", "content", "messages", "tools", "metrics", "events", "created_at", "member_responses");

    /** The row of {@code run}, its text made storable (see {@link StoredText}): NUL becomes U+FFFD. */
    public static RunRow of(RunResult run) {
        ObjectNode tree = (ObjectNode) StoredText.clean((JsonNode) JSON.valueToTree(run));
        ObjectNode extra = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!MAPPED.contains(field.getKey())) {
                extra.set(field.getKey(), field.getValue());
            }
        }
        return new RunRow(run.runId(), run.sessionId(), run.parentRunId(),
                run instanceof TeamRunOutput ? TEAM : AGENT, run.componentId(), StoredText.clean(run.componentName()),
                run.userId(), run.status(), run.error().map(e -> StoredText.clean(e.type())),
                run.error().map(e -> StoredText.clean(e.message())), run.model().map(StoredText::clean),
                run.modelProvider().map(StoredText::clean), text(tree, "input", "{}"), StoredText.clean(run.content()),
                text(tree, "messages", "[]"),
                text(tree, "tools", "[]"), text(tree, "metrics", "{}"), text(tree, "events", "[]"),
                extra.isEmpty() ? Optional.empty() : Optional.of(extra.toString()), run.createdAt().toEpochMilli());
    }

    /** Reads the current row of {@code rs}, which selects the run columns by name. */
    public static RunRow read(ResultSet rs) throws SQLException {
        return new RunRow(rs.getString("run_id"), rs.getString("session_id"),
                Optional.ofNullable(rs.getString("parent_run_id")), rs.getString("component_type"),
                rs.getString("component_id"), rs.getString("component_name"),
                Optional.ofNullable(rs.getString("user_id")), RunStatus.valueOf(rs.getString("status")),
                Optional.ofNullable(rs.getString("error_type")), Optional.ofNullable(rs.getString("error_message")),
                Optional.ofNullable(rs.getString("model")), Optional.ofNullable(rs.getString("model_provider")),
                rs.getString("input"), rs.getString("content"), rs.getString("messages"), rs.getString("tools"),
                rs.getString("metrics"), rs.getString("events"), Optional.ofNullable(rs.getString("extra")),
                rs.getLong("created_at"));
    }

    /**
     * The run this row holds, without member runs. The status and error columns are authoritative:
     * they are what the compare-and-set and the orphan sweep write.
     */
    public RunResult toRun() {
        try {
            ObjectNode tree = extra.isPresent() ? (ObjectNode) JSON.readTree(extra.get())
                    : JsonNodeFactory.instance.objectNode();
            tree.put("run_id", runId);
            tree.put("session_id", sessionId);
            parentRunId.ifPresent(p -> tree.put("parent_run_id", p));
            userId.ifPresent(u -> tree.put("user_id", u));
            boolean team = TEAM.equals(componentType);
            tree.put(team ? "team_id" : "agent_id", componentId);
            tree.put(team ? "team_name" : "agent_name", componentName);
            tree.put("status", status.name());
            if (errorType.isPresent()) {
                ObjectNode error = tree.putObject("error");
                error.put("type", errorType.get());
                error.put("message", errorMessage.orElse(""));
            }
            model.ifPresent(m -> tree.put("model", m));
            modelProvider.ifPresent(m -> tree.put("model_provider", m));
            tree.set("input", JSON.readTree(input));
            tree.put("content", content);
            tree.set("messages", JSON.readTree(messages));
            tree.set("tools", JSON.readTree(tools));
            tree.set("metrics", JSON.readTree(metrics));
            tree.set("events", JSON.readTree(events));
            // Cadre's JSON reads fractional epoch seconds, so the millisecond column survives intact.
            tree.put("created_at", BigDecimal.valueOf(createdAtMillis, 3));
            return team ? JSON.treeToValue(tree, TeamRunOutput.class) : JSON.treeToValue(tree, RunOutput.class);
        } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalStateException("The stored run " + runId + " cannot be read back: " + e.getMessage(), e);
        }
    }

    private static String text(ObjectNode tree, String field, String empty) {
        JsonNode node = tree.get(field);
        return node == null || node.isNull() ? empty : node.toString();
    }
}
