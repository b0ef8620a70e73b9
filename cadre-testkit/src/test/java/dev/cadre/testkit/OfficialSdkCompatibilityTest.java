package dev.cadre.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java SDK reads everything the fake server writes. */
class OfficialSdkCompatibilityTest {

    private final FakeOpenAIServer server = FakeOpenAIServer.start();
    private final OpenAIClient client = OpenAIOkHttpClient.builder().apiKey("sk-test").baseUrl(server.baseUrl())
            .maxRetries(0).responseValidation(true).build();

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private static ChatCompletionCreateParams chat() {
        return ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("Hi")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
    }

    private static ResponseCreateParams responses() {
        return ResponseCreateParams.builder().model("gpt-5.4").input("Hi").build();
    }

    @Test
    void streamsChatTextToolCallsAndUsage() {
        server.enqueue(Reply.text("Hi there").withToolCalls(FakeToolCall.of("f", "{\"a\":1}").withId("call_1"))
                .usage(7, 5));
        StringBuilder text = new StringBuilder();
        StringBuilder args = new StringBuilder();
        List<Long> usage = new ArrayList<>();

        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(chat())) {
            stream.stream().forEach(chunk -> {
                chunk.choices().forEach(c -> {
                    c.delta().content().ifPresent(text::append);
                    c.delta().toolCalls().ifPresent(calls -> calls.forEach(
                            call -> call.function().flatMap(f -> f.arguments()).ifPresent(args::append)));
                });
                chunk.usage().ifPresent(u -> usage.add(u.totalTokens()));
            });
        }

        assertThat(text).hasToString("Hi there");
        assertThat(args).hasToString("{\"a\":1}");
        assertThat(usage).containsExactly(12L);
    }

    @Test
    void readsAChatCompletionWithStrictValidation() {
        server.enqueue(Reply.text("Hello!"));

        ChatCompletion completion = client.chat().completions().create(chat());

        assertThat(completion.choices().get(0).message().content()).hasValue("Hello!");
    }

    @Test
    void streamsTheResponsesEventsTheSdkKnows() {
        server.enqueue(Reply.text("Hi there").withToolCalls(FakeToolCall.of("f", "{}")));
        List<ResponseStreamEvent> events = new ArrayList<>();

        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(responses())) {
            stream.stream().forEach(events::add);
        }

        assertThat(events).allSatisfy(e -> assertThat(e.isValid()).isTrue());
        assertThat(events.getFirst().isCreated()).isTrue();
        assertThat(events.getLast().isCompleted()).isTrue();
        Response done = events.getLast().asCompleted().response();
        assertThat(done.output()).hasSize(2);
        assertThat(done.usage()).isPresent();
    }

    @Test
    void readsAResponseWithStrictValidation() {
        server.enqueue(Reply.toolCall("f", "{}"));

        Response response = client.responses().create(responses());

        assertThat(response.output().get(0).asFunctionCall().name()).isEqualTo("f");
    }

    @Test
    void readsRefusalsInBothApis() {
        server.enqueue(Reply.refusal("I can't help with that."), Reply.refusal("No."), Reply.refusal("Never."));
        List<ResponseStreamEvent> events = new ArrayList<>();

        ChatCompletion chatAnswer = client.chat().completions().create(chat());
        Response response = client.responses().create(responses());
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(responses())) {
            stream.stream().forEach(events::add);
        }

        assertThat(chatAnswer.choices().get(0).message().refusal()).hasValue("I can't help with that.");
        assertThat(response.output().get(0).asMessage().content().get(0).asRefusal().refusal()).isEqualTo("No.");
        assertThat(events).allSatisfy(e -> assertThat(e.isValid()).isTrue())
                .anySatisfy(e -> assertThat(e.isRefusalDelta()).isTrue());
    }

    @Test
    void turnsScriptedErrorsIntoTheSdksExceptions() {
        server.enqueue(Reply.modelNotFound("gpt-9"), Reply.rateLimited(Duration.ofSeconds(1)));

        assertThatThrownBy(() -> client.chat().completions().create(chat())).isInstanceOf(NotFoundException.class)
                .hasMessageContaining("gpt-9");
        assertThatThrownBy(() -> client.responses().create(responses())).isInstanceOfSatisfying(
                RateLimitException.class, e -> assertThat(e.headers().values("retry-after")).containsExactly("1"));
    }
}
