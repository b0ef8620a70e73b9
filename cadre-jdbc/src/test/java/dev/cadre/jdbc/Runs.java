package dev.cadre.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.json.CadreJson;
import dev.cadre.event.RunCancelled;
import dev.cadre.event.RunStarted;
import dev.cadre.event.TeamRunStarted;
import dev.cadre.model.Message;
import dev.cadre.model.Role;
import dev.cadre.model.ToolCall;
import dev.cadre.run.RunFailure;
import dev.cadre.run.RunMetrics;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunResult.RunInput;
import dev.cadre.run.RunStatus;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.run.ToolExecution;
import dev.cadre.db.SessionRecord;
import dev.cadre.db.SessionType;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Run and session values for tests. Times are whole seconds: Cadre's JSON keeps instants nested in
 * a run (messages, tools, events) as epoch seconds, so that is what a store can give back.
 */
final class Runs {

    static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

    private Runs() {
    }

    static String newId(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    static SessionRecord teamSession(String sessionId, Instant createdAt) {
        return new SessionRecord(sessionId, SessionType.TEAM, "research-team", Optional.of("user-1"), Optional.empty(),
                createdAt, createdAt);
    }

    static SessionRecord session(String sessionId, SessionType type, String componentId, Optional<String> userId,
            Instant createdAt) {
        return new SessionRecord(sessionId, type, componentId, userId, Optional.empty(), createdAt, createdAt);
    }

    static TeamRunOutput teamRun(String runId, String sessionId, RunStatus status) {
        return new TeamRunOutput(runId, "research-team", "Research Team", sessionId, Optional.empty(),
                Optional.of("user-1"), new RunInput("What is new in Java 25?"), "", status, Optional.empty(),
                List.of(), List.of(), RunMetrics.EMPTY, Optional.of("gpt-5.2-mini"), Optional.of("OpenAI"), T0,
                List.of(new TeamRunStarted(T0, runId, sessionId, Optional.empty(), "research-team", "Research Team",
                        "gpt-5.2-mini", "OpenAI")), List.of());
    }

    static TeamRunOutput memberTeamRun(String runId, String parentRunId, String sessionId, RunStatus status) {
        return new TeamRunOutput(runId, "writers", "Writers", sessionId, Optional.of(parentRunId),
                Optional.of("user-1"), new RunInput("Write it up"), "", status, Optional.empty(), List.of(),
                List.of(), RunMetrics.EMPTY, Optional.empty(), Optional.empty(), T0, List.of(), List.of());
    }

    static RunOutput agentRun(String runId, Optional<String> parentRunId, String sessionId, RunStatus status) {
        return new RunOutput(runId, "researcher", "Researcher", sessionId, parentRunId, Optional.of("user-1"),
                new RunInput("Find facts"), "", status, Optional.empty(), List.of(), List.of(), RunMetrics.EMPTY,
                Optional.of("gpt-5.2-mini"), Optional.of("OpenAI"), T0,
                List.of(new RunStarted(T0, runId, sessionId, parentRunId, "researcher", "Researcher",
                        "gpt-5.2-mini", "OpenAI")));
    }

    /** A finished agent run with every kind of nested data a run can hold. */
    static RunOutput richAgentRun(String runId, String sessionId) {
        ToolCall call = new ToolCall("call-1", "search", "{\"q\":\"java 25\"}");
        Message user = new Message("m1", Role.USER, "Find facts", List.of(), Optional.empty(), Optional.empty(),
                false, T0);
        Message assistant = new Message("m2", Role.ASSISTANT, "", List.of(call), Optional.empty(), Optional.empty(),
                false, T0.plusSeconds(1));
        Message tool = new Message("m3", Role.TOOL, "JEP 491 landed", List.of(), Optional.of("call-1"),
                Optional.of("search"), false, T0.plusSeconds(2));
        ToolExecution exec = new ToolExecution("call-1", "search",
                JsonNodeFactory.instance.objectNode().put("q", "java 25"), Optional.of("JEP 491 landed"), false,
                Optional.empty(), false, T0.plusSeconds(1));
        RunMetrics metrics = new RunMetrics(120, 40, 160, 10, 5, Optional.of(Duration.ofMillis(250)),
                Optional.of(Duration.ofMillis(1500)));
        return new RunOutput(runId, "researcher", "Researcher", sessionId, Optional.empty(), Optional.of("user-1"),
                new RunInput("Find facts"), "Virtual threads no longer pin.", RunStatus.CANCELLED,
                Optional.empty(), List.of(user, assistant, tool), List.of(exec), metrics, Optional.of("gpt-5.2-mini"),
                Optional.of("OpenAI"), T0.plusMillis(123),
                List.of(new RunStarted(T0, runId, sessionId, Optional.empty(), "researcher", "Researcher",
                        "gpt-5.2-mini", "OpenAI"),
                        new RunCancelled(T0.plusSeconds(3), runId, sessionId, Optional.empty(), "researcher",
                                "Researcher", "cancelled by user", "Virtual threads no longer pin.",
                                RunStatus.CANCELLED)));
    }

    /**
     * {@code run} with this model (provider {@code OpenAI}) and these token counts. Written through the run's JSON,
     * so that it does not depend on how the run types are constructed.
     */
    static RunResult withTokens(RunResult run, String model, long input, long output) {
        ObjectNode tree = (ObjectNode) CadreJson.tree(run);
        ObjectNode metrics = tree.putObject("metrics");
        metrics.put("input_tokens", input);
        metrics.put("output_tokens", output);
        metrics.put("total_tokens", input + output);
        tree.put("model", model);
        tree.put("model_provider", "OpenAI");
        return fromTree(tree, run);
    }

    /** {@code run} with these token counts under {@code details.model}: one entry per id and provider given. */
    static RunResult withModelDetails(RunResult run, String model, String... providerInputOutput) {
        ObjectNode tree = (ObjectNode) CadreJson.tree(run);
        ObjectNode metrics = tree.putObject("metrics");
        var entries = metrics.putObject("details").putArray("model");
        long in = 0;
        long out = 0;
        for (int i = 0; i < providerInputOutput.length; i += 3) {
            long input = Long.parseLong(providerInputOutput[i + 1]);
            long output = Long.parseLong(providerInputOutput[i + 2]);
            entries.addObject().put("input_tokens", input).put("output_tokens", output)
                    .put("total_tokens", input + output).put("id", model).put("provider", providerInputOutput[i]);
            in += input;
            out += output;
        }
        metrics.put("input_tokens", in).put("output_tokens", out).put("total_tokens", in + out);
        tree.put("model", model);
        tree.put("model_provider", "OpenAI");
        return fromTree(tree, run);
    }

    /** {@code run} for user {@code userId}. */
    static RunResult withUser(RunResult run, String userId) {
        ObjectNode tree = (ObjectNode) CadreJson.tree(run);
        tree.put("user_id", userId);
        return fromTree(tree, run);
    }

    /** {@code run} as started at {@code t}. */
    static RunResult startedAt(RunResult run, Instant t) {
        ObjectNode tree = (ObjectNode) CadreJson.tree(run);
        tree.put("created_at", BigDecimal.valueOf(t.toEpochMilli(), 3));
        return fromTree(tree, run);
    }

    private static RunResult fromTree(ObjectNode tree, RunResult like) {
        try {
            return CadreJson.mapper().treeToValue(tree, like.getClass());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static <R extends RunResult> RunResult finished(R run, RunStatus status, String content) {
        RunResult ended = run.withStatus(status, status == RunStatus.ERROR
                ? Optional.of(new RunFailure("model_error", "the model failed")) : Optional.empty());
        return withContent(ended, content);
    }

    static RunResult withContent(RunResult run, String content) {
        return switch (run) {
            case RunOutput r -> new RunOutput(r.runId(), r.agentId(), r.agentName(), r.sessionId(), r.parentRunId(),
                    r.userId(), r.input(), content, r.status(), r.error(), r.messages(), r.tools(), r.metrics(),
                    r.model(), r.modelProvider(), r.createdAt(), r.events());
            case TeamRunOutput t -> new TeamRunOutput(t.runId(), t.teamId(), t.teamName(), t.sessionId(),
                    t.parentRunId(), t.userId(), t.input(), content, t.status(), t.error(), t.messages(), t.tools(),
                    t.metrics(), t.model(), t.modelProvider(), t.createdAt(), t.events(), t.memberResponses());
        };
    }
}
