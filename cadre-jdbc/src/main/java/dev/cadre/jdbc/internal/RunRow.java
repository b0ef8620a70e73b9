package dev.cadre.jdbc.internal;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.event.RunEvent;
import dev.cadre.json.CadreJson;
import dev.cadre.model.Message;
import dev.cadre.run.RunMetrics;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.run.ToolExecution;
import dev.cadre.db.StoredText;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

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

    /** The fields of the run JSON that have a column, or are never stored in the row: the rest is {@code extra}. */
    @JsonIgnoreProperties({"run_id", "session_id", "parent_run_id", "user_id", "agent_id", "agent_name", "team_id",
        "team_name", "status", "error", "model", "model_provider", "input", "content", "messages", "tools", "metrics",
        "events", "created_at", "member_responses"})
    private interface OnlyExtra {
    }

    // Each column written straight from its part of the run: no tree of the whole run (a team's with its members'
    // runs) is built and thrown away at every write.
    private static final ObjectWriter MESSAGES = JSON.writerFor(new TypeReference<List<Message>>() { });
    private static final ObjectWriter TOOLS = JSON.writerFor(new TypeReference<List<ToolExecution>>() { });
    private static final ObjectWriter EVENTS = JSON.writerFor(new TypeReference<List<RunEvent>>() { });
    private static final ObjectWriter INPUT = JSON.writerFor(RunResult.RunInput.class);
    private static final ObjectWriter METRICS = JSON.writerFor(RunMetrics.class);
    private static final ObjectWriter EXTRA = JSON.copy().addMixIn(RunOutput.class, OnlyExtra.class)
            .addMixIn(TeamRunOutput.class, OnlyExtra.class).writer();

    /** The row of {@code run}, its text made storable (see {@link StoredText}): NUL becomes U+FFFD. */
    public static RunRow of(RunResult run) {
        String extra = json(EXTRA, run);
        return new RunRow(run.runId(), run.sessionId(), run.parentRunId(),
                run instanceof TeamRunOutput ? TEAM : AGENT, run.componentId(), StoredText.clean(run.componentName()),
                run.userId(), run.status(), run.error().map(e -> StoredText.clean(e.type())),
                run.error().map(e -> StoredText.clean(e.message())), run.model().map(StoredText::clean),
                run.modelProvider().map(StoredText::clean), json(INPUT, run.input()), StoredText.clean(run.content()),
                json(MESSAGES, run.messages()), json(TOOLS, run.tools()), json(METRICS, run.metrics()),
                json(EVENTS, run.events()), extra.equals("{}") ? Optional.empty() : Optional.of(extra),
                run.createdAt().toEpochMilli());
    }

    private static String json(ObjectWriter writer, Object value) {
        try {
            return withoutNul(writer.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A run cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * JSON text with every NUL of its strings and names replaced by U+FFFD, as {@link StoredText#clean} does to a
     * tree: the writer escapes a NUL as backslash-{@code u0000}, which PostgreSQL's JSONB refuses. Other
     * escapes, an escaped backslash before {@code u0000} among them, are kept as they are.
     */
    static String withoutNul(String json) {
        if (json.indexOf("\\u0000") < 0) {
            return json;
        }
        StringBuilder out = new StringBuilder(json.length());
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c == '\\' && i + 1 < json.length()) {
                if (json.startsWith("u0000", i + 1)) {
                    out.append('\uFFFD');
                    i += 5;
                } else {
                    out.append(c).append(json.charAt(i + 1)); // one escape, whole
                    i++;
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
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
}
