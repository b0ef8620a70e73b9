package dev.cadre.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.Agent;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunStatus;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.RecordedRequest;
import dev.cadre.testkit.Reply;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** An output schema goes to OpenAI natively: Chat's {@code response_format}, the Responses API's {@code text.format}. */
class StructuredOutputTest {

    record Verdict(String film, int stars) {
    }

    record Review(String film, Optional<String> quote) {
    }

    private final FakeOpenAIServer server = FakeOpenAIServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    /** Where each API carries the schema in its request body. */
    private static JsonNode format(Models kind, RecordedRequest request) {
        return kind == Models.CHAT ? request.body().path("response_format") : request.body().path("text").path("format");
    }

    private static JsonNode schemaOf(Models kind, JsonNode format) {
        return kind == Models.CHAT ? format.path("json_schema").path("schema") : format.path("schema");
    }

    private static JsonNode named(Models kind, JsonNode format) {
        return kind == Models.CHAT ? format.path("json_schema") : format;
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void aRecordAnswerIsAskedForInStrictModeAndReadBack(Models kind) {
        server.enqueue(Reply.text("{\"film\":\"Alien\",\"stars\":5}"));
        Agent agent = Agent.builder().name("Critic").model(kind.against(server)).outputSchema(Verdict.class).build();

        RunOutput out = agent.run("Rate Alien");

        assertThat(out.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(out.content(Verdict.class)).isEqualTo(new Verdict("Alien", 5));
        JsonNode format = format(kind, server.requests().getFirst());
        assertThat(format.path("type").asText()).isEqualTo("json_schema");
        assertThat(named(kind, format).path("name").asText()).isEqualTo("Verdict");
        assertThat(named(kind, format).path("strict").asBoolean()).isTrue();
        JsonNode schema = schemaOf(kind, format);
        assertThat(schema.path("additionalProperties").asBoolean(true)).isFalse();
        assertThat(schema.path("required")).extracting(JsonNode::asText).containsExactlyInAnyOrder("film", "stars");
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void aSchemaWithOptionalFieldsIsSentWithoutStrictMode(Models kind) {
        server.enqueue(Reply.text("{\"film\":\"Alien\"}"));
        Agent agent = Agent.builder().name("Critic").model(kind.against(server)).outputSchema(Review.class).build();

        RunOutput out = agent.run("Review Alien");

        assertThat(out.content(Review.class)).isEqualTo(new Review("Alien", Optional.empty()));
        JsonNode format = format(kind, server.requests().getFirst());
        assertThat(named(kind, format).path("strict").asBoolean(true)).isFalse();
        assertThat(schemaOf(kind, format).path("required")).extracting(JsonNode::asText).containsExactly("film");
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void aWrongAnswerIsCorrectedOnceOverTheWire(Models kind) {
        server.enqueue(Reply.text("{\"film\":\"Alien\",\"stars\":\"five\"}"));
        server.enqueue(Reply.text("{\"film\":\"Alien\",\"stars\":5}"));
        Agent agent = Agent.builder().name("Critic").model(kind.against(server)).outputSchema(Verdict.class).build();

        RunOutput out = agent.run("Rate Alien");

        assertThat(out.content(Verdict.class).stars()).isEqualTo(5);
        List<RecordedRequest> requests = server.requests();
        assertThat(requests).hasSize(2);
        assertThat(requests.get(1).lastUserMessage()).hasValueSatisfying(m -> assertThat(m).contains("stars"));
        assertThat(format(kind, requests.get(1)).path("type").asText()).isEqualTo("json_schema");
    }
}
