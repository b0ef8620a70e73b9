package dev.cadre.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cadre.model.AbortSignal;
import dev.cadre.model.Model;
import dev.cadre.model.ModelException;
import dev.cadre.model.ModelResponseAccumulator;
import dev.cadre.testkit.FakeAnthropicServer;
import dev.cadre.testkit.RecordedRequest;
import dev.cadre.testkit.Reply;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Failures end the call with a {@link ModelException} that says what to do; transient ones are retried. */
class ErrorsAndRetriesTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final FakeAnthropicServer server = FakeAnthropicServer.builder().requireApiKey("sk-ant-test").start();
    private final Model model = Requests.model(server).build();

    @AfterEach
    void stop() {
        server.close();
    }

    private static ModelException streamFails(Model model) {
        return catchThrowableOfType(ModelException.class,
                () -> model.stream(Requests.question("Hi"), AbortSignal.never(), new ModelResponseAccumulator()));
    }

    @Test
    void aRejectedKeyIsAnAuthenticationErrorThatNamesTheKeySetting() {
        Model wrongKey = AnthropicModel.builder().id(Requests.MODEL).apiKey("sk-ant-wrong").baseUrl(server.baseUrl())
                .build();

        ModelException e = streamFails(wrongKey);

        assertThat(e.errorType()).isEqualTo("authentication_error");
        assertThat(e.getMessage()).contains("HTTP 401").contains("invalid x-api-key").contains("ANTHROPIC_API_KEY");
        assertThat(server.requestCount()).as("401 is not retried").isEqualTo(1);
    }

    @Test
    void withoutAnyKeyTheCallFailsBeforeSendingAnything() {
        Model noKey = AnthropicModel.builder().id(Requests.MODEL).baseUrl(server.baseUrl()).environment(name -> null)
                .build();

        ModelException e = streamFails(noKey);

        assertThat(e.errorType()).isEqualTo("authentication_error");
        assertThat(e.getMessage()).contains("set ANTHROPIC_API_KEY");
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void aRateLimitIsRetriedAfterTheRetryAfterTheServerAsksFor() {
        server.enqueue(FakeAnthropicServer.rateLimited(Duration.ofSeconds(1)), Reply.text("Hello after waiting"));
        ModelResponseAccumulator turn = new ModelResponseAccumulator();

        model.stream(Requests.question("Hi"), AbortSignal.never(), turn);

        assertThat(turn.text()).isEqualTo("Hello after waiting");
        List<RecordedRequest> requests = server.requests();
        assertThat(requests).hasSize(2);
        assertThat(Duration.ofNanos(requests.get(1).receivedAtNanos() - requests.get(0).receivedAtNanos()))
                .as("waited the retry-after of 1 s").isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void anOverloadedServerIsRetriedAndReportedAsOverloadedWhenItStaysSo() {
        Model once = Requests.model(server).maxRetries(1).build();
        server.enqueue(FakeAnthropicServer.overloaded().header("retry-after", "0"),
                FakeAnthropicServer.overloaded().header("retry-after", "0"));

        ModelException e = catchThrowableOfType(ModelException.class,
                () -> once.invoke(Requests.question("Hi"), AbortSignal.never()));

        assertThat(e.errorType()).isEqualTo("overloaded_error");
        assertThat(e.getMessage()).contains("HTTP 529").contains("after 2 attempts").contains("Try again later");
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void aRetryAfterLongerThanTheLimitIsNotWaitedFor() {
        Model impatient = Requests.model(server).maxRetryAfter(Duration.ofSeconds(5)).build();
        server.enqueue(FakeAnthropicServer.rateLimited(Duration.ofMinutes(10)));

        ModelException e = streamFails(impatient);

        assertThat(e.errorType()).isEqualTo("rate_limit_error");
        assertThat(e.getMessage()).contains("HTTP 429").contains("rate limit");
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void anUnknownModelIsNamedInTheError() {
        server.enqueue(Reply.error(404, "not_found_error", null, "model: claude-nope"));

        ModelException e = streamFails(model);

        assertThat(e.errorType()).isEqualTo("model_not_found");
        assertThat(e.getMessage()).contains("'" + Requests.MODEL + "'").contains("model: claude-nope")
                .contains("Check the model id");
    }

    @Test
    void anErrorEventInTheMiddleOfTheStreamIsAStreamErrorAndNotRetried() {
        server.enqueue(Reply.text("one two three").streamErrorAfter(1));
        ModelResponseAccumulator turn = new ModelResponseAccumulator();

        ModelException e = catchThrowableOfType(ModelException.class,
                () -> model.stream(Requests.question("Hi"), AbortSignal.never(), turn));

        assertThat(e.errorType()).isEqualTo("stream_error");
        assertThat(e.getMessage()).contains("overloaded_error").contains("Overloaded");
        assertThat(turn.text()).isEqualTo("one");
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void aConnectionCutInTheMiddleOfTheStreamIsAConnectionErrorAndNotRetried() {
        server.enqueue(Reply.text("one two three").closeAbruptlyAfter(1));
        ModelResponseAccumulator turn = new ModelResponseAccumulator();

        ModelException e = catchThrowableOfType(ModelException.class,
                () -> model.stream(Requests.question("Hi"), AbortSignal.never(), turn));

        assertThat(e.errorType()).isEqualTo("connection_error");
        assertThat(e.getMessage()).contains("broke in the middle of the stream");
        assertThat(turn.text()).isEqualTo("one");
        assertThat(server.requestCount()).as("output was handed on: no retry").isEqualTo(1);
    }

    @Test
    void aStreamCutBeforeMessageStopIsIncomplete() {
        server.enqueue(Reply.text("one two").withoutTerminator());

        ModelException e = streamFails(model);

        assertThat(e.errorType()).isEqualTo("incomplete_stream");
        assertThat(e.getMessage()).contains("message_stop");
    }

    @Test
    void aRefusedConnectionIsAConnectionErrorThatNamesTheBaseUrl() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Model nowhere = AnthropicModel.builder().id(Requests.MODEL).apiKey("k").baseUrl("http://127.0.0.1:" + port)
                .maxRetries(0).build();

        ModelException e = streamFails(nowhere);

        assertThat(e.errorType()).isEqualTo("connection_error");
        assertThat(e.getMessage()).contains("http://127.0.0.1:" + port).contains("Is the server running");
    }

    @Test
    void theFakeAnswersWithAnthropicsErrorBody() {
        server.enqueue(Reply.error(400, "invalid_request_error", null, "messages: at least one message is required"));

        ModelException e = streamFails(model);

        assertThat(e.errorType()).isEqualTo("invalid_request_error");
        assertThat(e.getMessage()).contains("HTTP 400").contains("messages: at least one message is required");
        assertThat(server.takeRequest(WAIT).outcome().join().kind()).isNotNull();
    }
}
