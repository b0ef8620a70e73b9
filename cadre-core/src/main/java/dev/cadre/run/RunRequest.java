package dev.cadre.run;

import dev.cadre.model.OutputSchema;
import dev.cadre.db.StoredText;
import java.util.Objects;
import java.util.Optional;

/**
 * What to run: the input and the optional ids of the run.
 *
 * <pre>{@code
 * team.run(RunRequest.builder("What is entropy?").sessionId(sessionId).userId("ada").build());
 * }</pre>
 *
 * @param input the user's message
 * @param sessionId the session to continue; a new one is made when empty
 * @param runId the id to give the run, so a caller knows it before the run starts (a cancel for it
 *     that arrives first makes the run end {@code CANCELLED} as soon as it starts); generated when empty
 * @param userId the user the run is for
 * @param streamEvents for {@code stream()}: whether to send lifecycle, tool and model-request events
 *     ({@code true}, the default) or only content and the terminal event
 * @param outputSchema for this run only, the shape its final answer must have (AgentOS's {@code output_schema});
 *     it replaces the component's own {@code outputSchema(...)}
 */
public record RunRequest(String input, Optional<String> sessionId, Optional<String> runId, Optional<String> userId,
        boolean streamEvents, Optional<OutputSchema> outputSchema) {

    /**
     * @throws IllegalArgumentException when an id is blank, longer than {@value StoredText#MAX_ID_LENGTH}
     *     characters or holds a control character, or the input holds a NUL (see {@link StoredText})
     */
    public RunRequest {
        Objects.requireNonNull(input, "input");
        StoredText.checkText("input", input);
        sessionId = validId(sessionId, "sessionId");
        runId = validId(runId, "runId");
        userId = validId(userId, "userId");
        outputSchema = outputSchema == null ? Optional.empty() : outputSchema;
    }

    /** A request whose answer has the component's shape. */
    public RunRequest(String input, Optional<String> sessionId, Optional<String> runId, Optional<String> userId,
            boolean streamEvents) {
        this(input, sessionId, runId, userId, streamEvents, Optional.empty());
    }

    public static RunRequest of(String input) {
        return builder(input).build();
    }

    public static Builder builder(String input) {
        return new Builder(input);
    }

    private static Optional<String> validId(Optional<String> value, String name) {
        if (value == null) {
            return Optional.empty();
        }
        value.ifPresent(v -> StoredText.idProblem(name, v).ifPresent(problem -> {
            throw new IllegalArgumentException(problem + "; leave it out to have one generated");
        }));
        return value;
    }

    /** Builds a {@link RunRequest}. Not thread-safe. */
    public static final class Builder {
        private final String input;
        private String sessionId;
        private String runId;
        private String userId;
        private boolean streamEvents = true;
        private OutputSchema outputSchema;

        private Builder(String input) {
            this.input = Objects.requireNonNull(input, "input");
        }

        public Builder sessionId(String sessionId) {
            this.sessionId = sessionId;
            return this;
        }

        public Builder runId(String runId) {
            this.runId = runId;
            return this;
        }

        public Builder userId(String userId) {
            this.userId = userId;
            return this;
        }

        public Builder streamEvents(boolean streamEvents) {
            this.streamEvents = streamEvents;
            return this;
        }

        /** The shape this run's final answer must have, in place of its component's. */
        public Builder outputSchema(OutputSchema outputSchema) {
            this.outputSchema = outputSchema;
            return this;
        }

        public RunRequest build() {
            return new RunRequest(input, Optional.ofNullable(sessionId), Optional.ofNullable(runId),
                    Optional.ofNullable(userId), streamEvents, Optional.ofNullable(outputSchema));
        }
    }
}
