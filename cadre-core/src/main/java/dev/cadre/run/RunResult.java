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

    /** The type of {@link #content()}: always {@code str}, Cadre's answers are text. */
    @JsonProperty("content_type")
    default String contentType() {
        return "str";
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
