package dev.cadre.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.model.AbortSignal;
import dev.cadre.model.Message;
import dev.cadre.model.ModelDelta;
import dev.cadre.model.ModelRequest;
import dev.cadre.model.ModelResponse;
import dev.cadre.model.ModelResponseAccumulator;
import dev.cadre.model.OutputSchema;
import dev.cadre.model.ToolCall;
import dev.cadre.model.Usage;
import dev.cadre.testkit.Api;
import dev.cadre.testkit.FakeGeminiServer;
import dev.cadre.testkit.FakeToolCall;
import dev.cadre.testkit.FakeUsage;
import dev.cadre.testkit.GeminiReply;
import dev.cadre.testkit.RecordedRequest;
import dev.cadre.testkit.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Streamed and whole turns of GeminiModel against the fake Gemini API, through the real SDK. */
class GeminiModelTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private final FakeGeminiServer server = FakeGeminiServer.start();
    private final GeminiModel model = Requests.model(server).build();

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void streamsTextPieceByPieceThenTheLastUsageOnce() {
        server.enqueue(Reply.text("Hello there world").usage(new FakeUsage(12, 5, 4, 2)));
        List<ModelDelta> deltas = new ArrayList<>();

        model.stream(Requests.question("Hi"), AbortSignal.never(), deltas::add);

        assertThat(deltas).filteredOn(d -> !(d instanceof ModelDelta.ProviderData)).containsExactly(
                new ModelDelta.Text("Hello"), new ModelDelta.Text(" there"), new ModelDelta.Text(" world"),
                new ModelDelta.UsageReport(new Usage(12, 5, 17, 4, 2)));
        assertThat(deltas.getFirst()).isInstanceOfSatisfying(ModelDelta.ProviderData.class, p -> {
            assertThat(p.data()).containsOnlyKeys("response_id", "model_version");
            assertThat(p.data().get("model_version")).isEqualTo(Requests.MODEL);
        });
        RecordedRequest request = server.takeRequest(WAIT);
        assertThat(request.api()).isEqualTo(Api.GEMINI_GENERATE_CONTENT);
        assertThat(request.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
        assertThat(request.isStream()).isTrue();
        assertThat(request.header("x-goog-api-key")).hasValue("test-key");
        assertThat(request.headers()).as("the private abort header is stripped before sending")
                .doesNotContainKey("x-cadre-call-handle");
    }

    @Test
    void invokesWithoutStreamingAndReturnsTheWholeTurn() {
        server.enqueue(Reply.text("Let me check.").withToolCalls(FakeToolCall.of("get_weather", "{\"city\":\"Oslo\"}"))
                .usage(20, 7));

        ModelResponse response = model.invoke(Requests.question("Weather?"), AbortSignal.never());

        assertThat(response.content()).isEqualTo("Let me check.");
        assertThat(response.toolCalls()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("get_weather");
            assertThat(Requests.json(c.arguments())).isEqualTo(Requests.json("{\"city\":\"Oslo\"}"));
            assertThat(c.id()).as("Gemini gave no id: one is made up").isNotBlank();
        });
        assertThat(response.usage()).isEqualTo(Usage.of(20, 7));
        assertThat(response.providerData()).containsKey("response_id");
        RecordedRequest request = server.takeRequest(WAIT);
        assertThat(request.isStream()).isFalse();
        assertThat(request.path()).endsWith(":generateContent");
    }

    @Test
    void streamsSeveralFunctionCallsOfOneTurnWithTheirIds() {
        server.enqueue(Reply.toolCalls(
                FakeToolCall.of("get_weather", "{\"city\":\"Oslo\"}").withId("fc_1"),
                FakeToolCall.of("get_weather", "{\"city\":\"Rome\"}").withId("fc_2")));
        ModelResponseAccumulator turn = new ModelResponseAccumulator();

        model.stream(Requests.question("Weather in Oslo and Rome?"), AbortSignal.never(), turn);

        assertThat(turn.response().toolCalls()).containsExactly(
                new ToolCall("fc_1", "get_weather", "{\"city\":\"Oslo\"}"),
                new ToolCall("fc_2", "get_weather", "{\"city\":\"Rome\"}"));
        assertThat(turn.response().content()).isEmpty();
    }

    @Test
    void sendsSystemMessagesAsSystemInstructionAndToolResultsAsOneTurnOfFunctionResponses() {
        server.enqueue(Reply.text("3 and 18 degrees."));
        ToolCall oslo = new ToolCall("fc_1", "get_weather", "{\"city\":\"Oslo\"}");
        ToolCall rome = new ToolCall("fc_2", "get_weather", "{\"city\":\"Rome\"}");

        model.stream(Requests.afterTwoToolCalls(oslo, rome), AbortSignal.never(), d -> { });

        RecordedRequest request = server.takeRequest(WAIT);
        JsonNode body = request.body();
        assertThat(body.at("/systemInstruction/parts/0/text").asText()).isEqualTo("You are terse.");
        JsonNode contents = body.get("contents");
        assertThat(contents).hasSize(3);
        assertThat(contents.get(0).get("role").asText()).isEqualTo("user");
        assertThat(contents.get(1).get("role").asText()).isEqualTo("model");
        assertThat(contents.get(1).at("/parts/0/functionCall/name").asText()).isEqualTo("get_weather");
        assertThat(contents.get(1).at("/parts/1/functionCall/args/city").asText()).isEqualTo("Rome");
        assertThat(contents.get(1).at("/parts/1/functionCall/id").asText()).isEqualTo("fc_2");
        JsonNode answers = contents.get(2);
        assertThat(answers.get("role").asText()).isEqualTo("user");
        assertThat(answers.get("parts")).hasSize(2);
        assertThat(answers.at("/parts/0/functionResponse/name").asText()).isEqualTo("get_weather");
        assertThat(answers.at("/parts/0/functionResponse/id").asText()).isEqualTo("fc_1");
        assertThat(answers.at("/parts/1/functionResponse/response/result").asText()).isEqualTo("{\"temp_c\":18}");
        assertThat(body.at("/tools/0/functionDeclarations/0/name").asText()).isEqualTo("get_weather");
        assertThat(body.at("/tools/0/functionDeclarations/0/parametersJsonSchema/required/0").asText())
                .isEqualTo("city");
        assertThat(request.toolResults()).containsExactly("{\"temp_c\":3}", "{\"temp_c\":18}");
        assertThat(request.systemPrompt()).isEqualTo("You are terse.");
    }

    @Test
    void callsWithoutIdsGoBackWithoutTheIdsCadreMadeUp() {
        server.enqueue(Reply.toolCall("get_weather", "{\"city\":\"Oslo\"}"), Reply.text("3 degrees."));
        ModelResponse first = model.invoke(Requests.question("Weather?"), AbortSignal.never());
        ToolCall call = first.toolCalls().getFirst();

        model.invoke(new ModelRequest(List.of(Message.user("Weather?"), Message.assistant("", List.of(call)),
                Message.toolResult(call, "cold")), List.of(Requests.WEATHER)), AbortSignal.never());

        JsonNode contents = server.requests().get(1).body().get("contents");
        assertThat(contents.at("/1/parts/0/functionCall").has("id")).isFalse();
        assertThat(contents.at("/2/parts/0/functionResponse").has("id")).isFalse();
        assertThat(contents.at("/2/parts/0/functionResponse/name").asText()).isEqualTo("get_weather");
    }

    @Test
    void sendsTheThoughtSignatureOfAFunctionCallBackWithItInTheNextTurn() {
        server.enqueue(GeminiReply.of(Reply.toolCall("get_weather", "{\"city\":\"Oslo\"}"))
                .withThoughtSignature("c2lnbmF0dXJlLTE="), GeminiReply.text("Cold."));
        ModelResponseAccumulator turn = new ModelResponseAccumulator();
        model.stream(Requests.question("Weather?"), AbortSignal.never(), turn);
        ToolCall call = turn.response().toolCalls().getFirst();

        model.stream(new ModelRequest(List.of(Message.user("Weather?"), Message.assistant("", List.of(call)),
                Message.toolResult(call, "3 degrees")), List.of(Requests.WEATHER)), AbortSignal.never(), d -> { });

        JsonNode sent = server.requests().get(1).body().at("/contents/1/parts/0");
        assertThat(sent.at("/functionCall/name").asText()).isEqualTo("get_weather");
        assertThat(sent.get("thoughtSignature").asText()).isEqualTo("c2lnbmF0dXJlLTE=");
    }

    @Test
    void thoughtPartsArriveAsReasoningApartFromTheAnswer() {
        server.enqueue(GeminiReply.thinking("The user greets me.",
                Reply.text("Hello!").usage(new FakeUsage(10, 9, 0, 6))));
        List<ModelDelta> deltas = new ArrayList<>();

        model.stream(Requests.question("Hi"), AbortSignal.never(), deltas::add);

        assertThat(deltas).filteredOn(d -> d instanceof ModelDelta.Reasoning)
                .extracting(d -> ((ModelDelta.Reasoning) d).text()).containsExactly("The", " user", " greets", " me.");
        assertThat(deltas).filteredOn(d -> d instanceof ModelDelta.Text)
                .containsExactly(new ModelDelta.Text("Hello!"));
        assertThat(deltas).filteredOn(d -> d instanceof ModelDelta.UsageReport).singleElement()
                .isEqualTo(new ModelDelta.UsageReport(new Usage(10, 9, 19, 0, 6)));
    }

    @Test
    void aWholeTurnKeepsItsThoughtsAsReasoningContent() {
        server.enqueue(GeminiReply.thinking("Greeting.", Reply.text("Hello!")));

        ModelResponse response = model.invoke(Requests.question("Hi"), AbortSignal.never());

        assertThat(response.content()).isEqualTo("Hello!");
        assertThat(response.reasoningContent()).isEqualTo("Greeting.");
    }

    @Test
    void sendsTheThinkingAndGenerationOptions() {
        server.enqueue(Reply.text("ok"));
        GeminiModel tuned = Requests.model(server).temperature(0.5).maxOutputTokens(256).thinkingBudget(1024)
                .includeThoughts(true).stopSequences(List.of("END")).build();

        tuned.invoke(Requests.question("Hi"), AbortSignal.never());

        JsonNode config = server.takeRequest(WAIT).body().get("generationConfig");
        assertThat(config.get("temperature").asDouble()).isEqualTo(0.5);
        assertThat(config.get("maxOutputTokens").asInt()).isEqualTo(256);
        assertThat(config.at("/thinkingConfig/thinkingBudget").asInt()).isEqualTo(1024);
        assertThat(config.at("/thinkingConfig/includeThoughts").asBoolean()).isTrue();
        assertThat(config.at("/stopSequences/0").asText()).isEqualTo("END");
    }

    record Capital(String country, String city) {
    }

    @Test
    void anOutputSchemaAsksForJsonOfThatSchemaAndTheJsonComesBackAsTheText() {
        server.enqueue(Reply.text("{\"country\":\"France\",\"city\":\"Paris\"}"));
        ModelRequest request = new ModelRequest(List.of(Message.user("Capital of France?")), List.of(),
                Optional.of(OutputSchema.of(Capital.class)));

        ModelResponse response = model.invoke(request, AbortSignal.never());

        assertThat(Requests.json(response.content())).isEqualTo(Requests.json(
                "{\"country\":\"France\",\"city\":\"Paris\"}"));
        JsonNode config = server.takeRequest(WAIT).body().get("generationConfig");
        assertThat(config.get("responseMimeType").asText()).isEqualTo("application/json");
        assertThat(config.at("/responseJsonSchema/type").asText()).isEqualTo("object");
        assertThat(config.at("/responseJsonSchema/properties/city/type").asText()).isEqualTo("string");
    }

    @Test
    void aRequestWithoutOutputSchemaAsksForNoMimeType() {
        server.enqueue(Reply.text("ok"));

        model.invoke(Requests.question("Hi"), AbortSignal.never());

        assertThat(server.takeRequest(WAIT).body().path("generationConfig").has("responseMimeType")).isFalse();
    }
}
