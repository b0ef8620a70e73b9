package dev.cadre.run;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.cadre.event.RunEvent;
import dev.cadre.model.Message;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The state of one run: an agent's ({@link RunOutput}) or a team's ({@link TeamRunOutput}).
 *
 * <p>Values are immutable snapshots. A run that is still going is seen through fresh snapshots:
 * poll {@code getRunOutput} or read the stream.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.DEDUCTION)
@JsonSubTypes({@JsonSubTypes.Type(RunOutput.class), @JsonSubTypes.Type(TeamRunOutput.class)})
public sealed interface RunResult permits RunOutput, TeamRunOutput {

    String runId();

    String sessionId();

    /** For a member run, the team run that delegated to it. */
    Optional<String> parentRunId();

    Optional<String> userId();

    /** The id of the agent or team that ran. */
    String componentId();

    /** The name of the agent or team that ran. */
    String componentName();

    RunInput input();

    /**
     * The answer. For a cancelled run, the partial answer produced before the cancel, or the reason
     * when there was none; a streamed team run's partial answer is, as in Agno, what it streamed: its
     * leader's text, with the text its members streamed since the leader's last piece. For a failed
     * run, the error message when there was no answer.
     */
    String content();

    /** The {@link #contentType()} of a text answer. */
    String TEXT = "str";

    /**
     * The type of {@link #content()}: {@value #TEXT} for text, or the name of the output schema (see
     * {@code outputSchema(...)} on agents and teams) when the content is JSON that passed it.
     */
    @JsonProperty("content_type")
    String contentType();

    /**
     * The model's visible reasoning over the run (Anthropic's extended thinking, Gemini's thought summaries), every
     * turn's, in order; empty when it showed none. Agno's {@code reasoning_content}.
     */
    String reasoningContent();

    /** Whether {@link #content()} is JSON that passed the run's output schema. */
    @JsonIgnore
    default boolean isStructured() {
        return !TEXT.equals(contentType());
    }

    /**
     * The structured answer as {@code type}, read from the JSON of {@link #content()}.
     *
     * @throws IllegalStateException when the run has no structured answer (it had no output schema, or did not
     *     complete), or its JSON does not fit {@code type} (the message names the field)
     */
    default <T> T content(Class<T> type) {
        if (!isStructured()) {
            throw new IllegalStateException("Run " + runId() + " has no structured answer (" + status()
                    + ", content type " + contentType() + "): give its agent or team an outputSchema(...)");
        }
        try {
            return dev.cadre.json.CadreJson.structuredMapper().readValue(content(), type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("The answer of run " + runId() + " does not fit " + type.getSimpleName()
                    + ": " + e.getOriginalMessage(), e);
        }
    }

    RunStatus status();

    /** Why the run failed, when it ended as {@code ERROR}. */
    Optional<RunFailure> error();

    /** The run's conversation with its model, including tool calls and results. */
    List<Message> messages();

    /** The tools the run called, in order. */
    List<ToolExecution> tools();

    RunMetrics metrics();

    /** The model's id, for example {@code gpt-5.2-mini}. */
    Optional<String> model();

    /** The model's provider, for example {@code OpenAI}. */
    Optional<String> modelProvider();

    /**
     * What the provider said about the run's last model response, for example
     * {@code {"response_id": "resp_…"}}; empty when it said nothing. Agno's {@code model_provider_data}.
     */
    Map<String, String> modelProviderData();

    Instant createdAt();

    /** The run's lifecycle, tool and terminal events (content deltas are not kept). */
    List<RunEvent> events();

    /** This run with another status and failure; for stores that keep the status in its own column. */
    RunResult withStatus(RunStatus status, Optional<RunFailure> error);

    @JsonIgnore
    default boolean isCancelled() {
        return status() == RunStatus.CANCELLED;
    }

    /** What the run was asked. */
    record RunInput(String inputContent) {
        public RunInput {
            inputContent = inputContent == null ? "" : inputContent;
        }
    }
}
