package dev.cadre.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.Agent;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunStatus;
import dev.cadre.testkit.FakeGeminiServer;
import dev.cadre.testkit.Reply;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An agent's output schema reaches Gemini as its response schema; the answer is read back as the record. */
class StructuredOutputTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    record Capital(String country, String city, int population) {
    }

    private final FakeGeminiServer server = FakeGeminiServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void theRunsSchemaGoesToGeminiAndItsAnswerIsTheRecord() {
        server.enqueue(Reply.text("{\"country\":\"France\",\"city\":\"Paris\",\"population\":2102650}"));
        Agent agent = Agent.builder().name("Atlas").model(Requests.model(server).build()).outputSchema(Capital.class)
                .build();

        RunOutput out = agent.run("The capital of France?");

        assertThat(out.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(out.content(Capital.class)).isEqualTo(new Capital("France", "Paris", 2102650));
        assertThat(out.contentType()).isEqualTo("Capital");
        JsonNode config = server.takeRequest(WAIT).body().get("generationConfig");
        assertThat(config.get("responseMimeType").asText()).isEqualTo("application/json");
        assertThat(config.at("/responseJsonSchema/properties/population/type").asText()).isEqualTo("integer");
    }

    @Test
    void aWrongAnswerGetsTheCorrectiveTurnOverTheWire() {
        server.enqueue(Reply.text("{\"country\":\"France\",\"city\":\"Paris\"}"),
                Reply.text("{\"country\":\"France\",\"city\":\"Paris\",\"population\":2102650}"));
        Agent agent = Agent.builder().name("Atlas").model(Requests.model(server).build()).outputSchema(Capital.class)
                .build();

        RunOutput out = agent.run("The capital of France?");

        assertThat(out.content(Capital.class).population()).isEqualTo(2102650);
        assertThat(server.requests()).hasSize(2);
        assertThat(server.requests().get(1).lastUserMessage()).hasValueSatisfying(m -> assertThat(m).contains("population"));
    }
}
