package dev.cadre.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cadre.model.AbortSignal;
import dev.cadre.model.Model;
import dev.cadre.model.ModelException;
import dev.cadre.model.ModelResponseAccumulator;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.RecordedRequest;
import dev.cadre.testkit.Reply;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every failure ends the call with a {@link ModelException} a user can act on, never a raw SDK error. */
class ErrorsTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration SHORT = Duration.ofMillis(20);

    private final FakeOpenAIServer server = FakeOpenAIServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    private static ModelException streamFails(Model model) {
        return catchThrowableOfType(ModelException.class,
                () -> model.stream(Requests.question("Hi"), AbortSignal.never(), new ModelResponseAccumulator()));
    }

    private static ModelException invokeFails(Model model) {
        return catchThrowableOfType(ModelException.class,
                () -> model.invoke(Requests.question("Hi"), AbortSignal.never()));
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void aRejectedKeyIsAnAuthenticationErrorThatNamesTheKeySetting(Models kind) {
        server.enqueue(Reply.unauthorized());

        ModelException e = streamFails(kind.against(server));

        assertThat(e.errorType()).isEqualTo("authentication_error");
        assertThat(e.getMessage()).contains("HTTP 401").contains("Incorrect API key provided")
                .contains("OPENAI_API_KEY");
        assertThat(server.requestCount()).as("401 is not retried").isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void anUnknownModelIsNamedInTheError(Models kind) {
        server.enqueue(Reply.modelNotFound(kind.id()));

        ModelException e = invokeFails(kind.against(server));

        assertThat(e.errorType()).isEqualTo("model_not_found");
        assertThat(e.getMessage()).contains("'" + kind.id() + "'").contains("HTTP 404").contains(server.baseUrl());
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void aRateLimitIsRetriedAfterTheDelayTheServerAsksFor(Models kind) {
        server.enqueue(Reply.rateLimited(Duration.ofMillis(300)), Reply.text("Hello after waiting"));
        ModelResponseAccumulator turn = new ModelResponseAccumulator();

        kind.against(server).stream(Requests.question("Hi"), AbortSignal.never(), turn);

        assertThat(turn.text()).isEqualTo("Hello after waiting");
        List<RecordedRequest> requests = server.requests();
        assertThat(requests).hasSize(2);
        assertThat(Duration.ofNanos(requests.get(1).receivedAtNanos() - requests.get(0).receivedAtNanos()))
                .as("Retry-After honoured").isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void aRateLimitThatOutlastsTheRetriesSaysHowOftenItTried(Models kind) {
        server.dispatcher(r -> Reply.rateLimited(SHORT));

        ModelException e = invokeFails(kind.against(server, 2));

        assertThat(e.errorType()).isEqualTo("rate_limit_error");
        assertThat(e.getMessage()).contains("HTTP 429").contains("after 3 attempts").contains("Rate limit reached");
        assertThat(server.requestCount()).isEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void aServerErrorOnEveryTryEndsAsServerErrorAfterTheRetries(Models kind) {
        server.dispatcher(r -> Reply.serverError().retryAfter(SHORT));

        ModelException e = streamFails(kind.against(server, 3));

        assertThat(e.errorType()).isEqualTo("server_error");
        assertThat(e.getMessage()).contains("HTTP 500").contains("after 4 attempts");
        assertThat(server.requestCount()).isEqualTo(4);
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void aServerAskingForTooLongAWaitIsNotRetried(Models kind) {
        server.enqueue(Reply.rateLimited(Duration.ofMinutes(5)));

        ModelException e = invokeFails(kind.against(server));

        assertThat(e.errorType()).isEqualTo("rate_limit_error");
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void anExhaustedQuotaIsNotRetried(Models kind) {
        server.enqueue(Reply.error(429, "insufficient_quota", "insufficient_quota",
                "You exceeded your current quota, please check your plan and billing details."));

        ModelException e = invokeFails(kind.against(server));

        assertThat(e.getMessage()).contains("out of quota");
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void malformedSseIsAMalformedResponse(Models kind) {
        server.enqueue(Reply.malformedSse());

        ModelException e = streamFails(kind.against(server));

        assertThat(e.errorType()).isEqualTo("malformed_response");
        assertThat(e.getMessage()).contains("Malformed response from " + server.baseUrl());
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void anErrorEventInTheStreamIsAStreamError(Models kind) {
        server.enqueue(Reply.text("a b c").streamErrorAfter(1));

        ModelException e = streamFails(kind.against(server));

        assertThat(e.errorType()).isEqualTo("stream_error");
        assertThat(e.getMessage()).contains("The server had an error");
        assertThat(server.requestCount()).as("output was already handed on: no retry").isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void aStreamCutWithoutItsTerminatorIsIncomplete(Models kind) {
        server.enqueue(kind == Models.CHAT
                ? Reply.rawSse("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                        + "\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hal\"},"
                        + "\"finish_reason\":null}]}\n\n")
                : Reply.text("Half an answer").withoutTerminator());

        ModelException e = streamFails(kind.against(server));

        assertThat(e.errorType()).isEqualTo("incomplete_stream");
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void aConnectionResetMidStreamIsAConnectionError(Models kind) {
        server.enqueue(Reply.text("a b c d").closeAbruptlyAfter(2));

        ModelException e = streamFails(kind.against(server));

        assertThat(e.errorType()).isEqualTo("connection_error");
        assertThat(e.getMessage()).contains("broke in the middle of the stream");
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void aRefusedConnectionNamesTheBaseUrl(Models kind) throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + closedPort + "/v1";
        Model model = kind == Models.CHAT
                ? OpenAIChat.builder().id("gpt-4o").apiKey("sk-test").baseUrl(url).maxRetries(0).build()
                : OpenAIResponses.builder().id("gpt-4o").apiKey("sk-test").baseUrl(url).maxRetries(0).build();

        ModelException e = streamFails(model);

        assertThat(e.errorType()).isEqualTo("connection_error");
        assertThat(e.getMessage()).contains("Could not connect to " + url).contains("connection refused");
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void aMissingKeyForOpenAIFailsEachCallWithTheFix(Models kind) {
        Model model = kind == Models.CHAT
                ? OpenAIChat.builder().id("gpt-4o").environment(name -> null).build()
                : OpenAIResponses.builder().id("gpt-4o").environment(name -> null).build();

        ModelException e = invokeFails(model);

        assertThat(e.errorType()).isEqualTo("authentication_error");
        assertThat(e.getMessage()).isEqualTo(
                "No OpenAI API key: set OPENAI_API_KEY or pass apiKey(...) to the model builder.");
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void aTimeoutSaysWhichSettingToRaise(Models kind) {
        server.enqueue(Reply.stall());
        Model model = kind == Models.CHAT
                ? OpenAIChat.builder().id("gpt-4o").apiKey("k").baseUrl(server.baseUrl())
                        .timeout(Duration.ofMillis(300)).maxRetries(0).build()
                : OpenAIResponses.builder().id("gpt-4o").apiKey("k").baseUrl(server.baseUrl())
                        .timeout(Duration.ofMillis(300)).maxRetries(0).build();

        ModelException e = invokeFails(model);

        assertThat(e.errorType()).isEqualTo("timeout_error");
        assertThat(e.getMessage()).contains("timed out").contains("timeout(...)");
    }
}
