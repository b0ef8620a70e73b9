package dev.cadre.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.model.AbortSignal;
import dev.cadre.model.ModelException;
import dev.cadre.model.ModelResponse;
import dev.cadre.model.ModelResponseAccumulator;
import dev.cadre.testkit.FakeGeminiServer;
import dev.cadre.testkit.GeminiReply;
import dev.cadre.testkit.Reply;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which failures are retried, how long the model waits, and what each failure tells the user. */
class RetriesAndErrorsTest {

    private final FakeGeminiServer server = FakeGeminiServer.start();
    private final GeminiModel model = Requests.model(server).build();

    @AfterEach
    void stop() {
        server.close();
    }

    private ModelException failure(GeminiModel m) {
        try {
            m.invoke(Requests.question("Hi"), AbortSignal.never());
        } catch (ModelException e) {
            return e;
        }
        throw new AssertionError("the call was expected to fail");
    }

    @Test
    void aQuotaErrorIsRetriedAfterTheDelayItsRetryInfoAsksForThenSucceeds() {
        // Longer than the first backoff (at most 1 s), so only honouring RetryInfo waits this long.
        server.enqueue(GeminiReply.quotaExceeded(Duration.ofMillis(1200)), GeminiReply.text("Hello."));

        ModelResponse response = model.invoke(Requests.question("Hi"), AbortSignal.never());

        assertThat(response.content()).isEqualTo("Hello.");
        assertThat(server.requestCount()).isEqualTo(2);
        long waited = server.requests().get(1).receivedAtNanos() - server.requests().get(0).receivedAtNanos();
        assertThat(Duration.ofNanos(waited)).as("waited the 1.2 s RetryInfo asked for, not the backoff")
                .isGreaterThanOrEqualTo(Duration.ofMillis(1200));
    }

    @Test
    void anOverloadedModelIsRetriedHonouringRetryAfterWhileStreaming() {
        server.enqueue(GeminiReply.unavailable().retryAfter(Duration.ofMillis(1)), GeminiReply.text("Hi!"));
        ModelResponseAccumulator turn = new ModelResponseAccumulator();

        model.stream(Requests.question("Hi"), AbortSignal.never(), turn);

        assertThat(turn.text()).isEqualTo("Hi!");
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void aQuotaErrorThatOutlastsTheRetriesTellsWhatToDo() {
        server.dispatcher(r -> GeminiReply.quotaExceeded(Duration.ofMillis(1)));

        ModelException e = failure(Requests.model(server).maxRetries(1).build());

        assertThat(e.errorType()).isEqualTo("rate_limit_error");
        assertThat(e.getMessage()).contains("HTTP 429 RESOURCE_EXHAUSTED").contains("after 2 attempts")
                .contains("exceeded your current quota").contains("raise the project's quota");
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void aServerAskingForALongerWaitThanAllowedIsNotRetried() {
        server.enqueue(GeminiReply.quotaExceeded(Duration.ofMinutes(10)));

        ModelException e = failure(model);

        assertThat(e.errorType()).isEqualTo("rate_limit_error");
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void aRejectedKeyIsNotRetriedAndNamesTheVariableToCheck() {
        FakeGeminiServer strict = FakeGeminiServer.builder().requireApiKey("right-key").start();
        try (strict) {
            ModelException e = failure(GeminiModel.builder().id(Requests.MODEL).apiKey("wrong-key")
                    .baseUrl(strict.baseUrl()).build());

            assertThat(e.errorType()).isEqualTo("authentication_error");
            assertThat(e.getMessage()).contains("HTTP 400 INVALID_ARGUMENT").contains("API key not valid")
                    .contains("GEMINI_API_KEY");
            assertThat(strict.requestCount()).isEqualTo(1);
        }
    }

    @Test
    void anUnknownModelSaysToCheckTheModelId() {
        server.enqueue(GeminiReply.modelNotFound("gemini-9"));

        ModelException e = failure(model);

        assertThat(e.errorType()).isEqualTo("model_not_found");
        assertThat(e.getMessage()).contains("Model 'gemini-2.5-flash' was not found").contains("HTTP 404 NOT_FOUND")
                .contains("Check the model id");
    }

    @Test
    void anOpenAiStyleScriptedErrorComesInGooglesBody() {
        server.enqueue(Reply.error(403, "permission_error", null, "Permission denied on the project."));

        ModelException e = failure(model);

        assertThat(e.errorType()).isEqualTo("permission_error");
        assertThat(e.getMessage()).contains("HTTP 403 PERMISSION_DENIED").contains("Permission denied on the project.");
    }

    @Test
    void withoutAKeyTheModelIsBuiltAndEachCallSaysWhichVariableToSet() {
        GeminiModel keyless = GeminiModel.builder().id(Requests.MODEL).baseUrl(server.baseUrl())
                .environment(Map.<String, String>of()::get).build();

        ModelException e = failure(keyless);

        assertThat(e.errorType()).isEqualTo("authentication_error");
        assertThat(e.getMessage()).contains("GEMINI_API_KEY").contains("GOOGLE_API_KEY");
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void theKeyComesFromGeminiApiKeyThenGoogleApiKey() {
        server.enqueue(Reply.text("a"), Reply.text("b"));
        GeminiModel.builder().id(Requests.MODEL).baseUrl(server.baseUrl())
                .environment(Map.of("GEMINI_API_KEY", "gemini-key", "GOOGLE_API_KEY", "google-key")::get).build()
                .invoke(Requests.question("Hi"), AbortSignal.never());
        GeminiModel.builder().id(Requests.MODEL).baseUrl(server.baseUrl())
                .environment(Map.of("GOOGLE_API_KEY", "google-key")::get).build()
                .invoke(Requests.question("Hi"), AbortSignal.never());

        assertThat(server.requests()).extracting(r -> r.header("x-goog-api-key").orElseThrow())
                .containsExactly("gemini-key", "google-key");
    }

    @Test
    void aStreamCutBeforeItsFinishReasonIsAnIncompleteAnswer() {
        server.enqueue(Reply.text("Hello there").withoutTerminator());

        assertThatThrownBy(() -> model.stream(Requests.question("Hi"), AbortSignal.never(), d -> { }))
                .isInstanceOfSatisfying(ModelException.class,
                        e -> assertThat(e.errorType()).isEqualTo("incomplete_stream"));
    }

    @Test
    void aConnectionResetMidStreamIsReportedAndNotRetried() {
        server.enqueue(Reply.text("one two three").closeAbruptlyAfter(1), Reply.text("never asked"));

        assertThatThrownBy(() -> model.stream(Requests.question("Hi"), AbortSignal.never(), d -> { }))
                .isInstanceOfSatisfying(ModelException.class, e -> {
                    assertThat(e.errorType()).isEqualTo("connection_error");
                    assertThat(e.getMessage()).contains("broke in the middle of the stream");
                });
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void aRefusedConnectionAsksWhetherTheServerRuns() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        GeminiModel nowhere = GeminiModel.builder().id(Requests.MODEL).apiKey("k").baseUrl("http://127.0.0.1:" + port)
                .maxRetries(0).build();

        ModelException e = failure(nowhere);

        assertThat(e.errorType()).isEqualTo("connection_error");
        assertThat(e.getMessage()).contains("Could not connect").contains("Is the server running");
    }

    @Test
    void aSafetyStopWithoutAnAnswerIsAContentFilterError() {
        server.enqueue(GeminiReply.of(Reply.textChunks()).finishReason("SAFETY"));

        ModelException e = failure(model);

        assertThat(e.errorType()).isEqualTo("content_filter");
        assertThat(e.getMessage()).contains("SAFETY");
    }

    @Test
    void aServerThatNeverAnswersTimesOutWithAMessageAboutTheTimeout() {
        server.enqueue(Reply.stall());
        GeminiModel impatient = Requests.model(server).timeout(Duration.ofMillis(300)).maxRetries(0).build();

        ModelException e = failure(impatient);

        assertThat(e.errorType()).isEqualTo("timeout_error");
        assertThat(e.getMessage()).contains("timed out").contains("timeout(...)");
    }

    @Test
    void anErrorInTheMiddleOfTheStreamEndsTheCallWithTheServersMessage() {
        server.enqueue(Reply.text("one two three").streamErrorAfter(1));
        ModelResponseAccumulator turn = new ModelResponseAccumulator();

        assertThatThrownBy(() -> model.stream(Requests.question("Hi"), AbortSignal.never(), turn))
                .isInstanceOfSatisfying(ModelException.class, e -> {
                    assertThat(e.errorType()).isEqualTo("server_error");
                    assertThat(e.getMessage()).contains("An internal error has occurred");
                });
        assertThat(turn.text()).isEqualTo("one");
        assertThat(server.requestCount()).as("output was handed on: not retried").isEqualTo(1);
    }

    @Test
    void aStreamThatIsNotJsonIsAMalformedResponse() {
        server.enqueue(Reply.rawSse("data: {\"candidates\": [{\"content\"\r\n\r\ndata: {this is not json}\r\n\r\n"));

        assertThatThrownBy(() -> model.stream(Requests.question("Hi"), AbortSignal.never(), d -> { }))
                .isInstanceOfSatisfying(ModelException.class, e -> {
                    assertThat(e.errorType()).isEqualTo("malformed_response");
                    assertThat(e.getMessage()).contains("Malformed response from Gemini");
                });
        assertThat(server.requestCount()).as("a broken answer is not asked for again").isEqualTo(1);
    }
}
