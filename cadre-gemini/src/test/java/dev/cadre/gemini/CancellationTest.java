package dev.cadre.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.model.ModelDelta;
import dev.cadre.model.ModelException;
import dev.cadre.model.ModelResponseAccumulator;
import dev.cadre.testkit.BackgroundCall;
import dev.cadre.testkit.FakeGeminiServer;
import dev.cadre.testkit.GeminiReply;
import dev.cadre.testkit.RecordedRequest;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.TestAbortSignal;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An abort closes the HTTP connection at once, whatever the call is doing, and nothing is retried. The SDK has
 * no cancel of its own: GeminiModel cancels the OkHttp call under it, and the fake server sees the socket close.
 */
class CancellationTest {

    /**
     * How long each scripted reply would go on before its next step. What the abort causes is awaited for a
     * fraction of it, so it cannot be the reply moving on by itself; how fast it comes is not a test's business.
     */
    private static final Duration SCRIPTED = Duration.ofSeconds(60);
    private static final Duration WAIT = SCRIPTED.dividedBy(4);

    private final FakeGeminiServer server = FakeGeminiServer.start();
    private final GeminiModel model = Requests.model(server).build();
    private final TestAbortSignal abort = new TestAbortSignal();

    @AfterEach
    void stop() {
        server.close();
    }

    private static void assertClosedByTheAbort(RecordedRequest request, long abortedAt) {
        assertThat(request.awaitDisconnect(WAIT))
                .as("the server saw the client close well before its reply's next step, %d s away",
                        SCRIPTED.toSeconds())
                .isTrue();
        assertThat(request.disconnectedAtNanos().orElseThrow()).as("closed after the abort, not before")
                .isGreaterThanOrEqualTo(abortedAt);
    }

    @Test
    void abortingAStreamBetweenTwoChunksClosesTheConnectionAtOnceAndKeepsThePartialText() throws Exception {
        server.enqueue(Reply.text("one two three four five").chunkDelay(SCRIPTED));
        ModelResponseAccumulator turn = new ModelResponseAccumulator();
        CountDownLatch firstToken = new CountDownLatch(1);
        BackgroundCall call = BackgroundCall.start(() -> model.stream(Requests.question("Count"), abort, d -> {
            turn.accept(d);
            if (d instanceof ModelDelta.Text) {
                firstToken.countDown();
            }
        }));
        assertThat(firstToken.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

        long abortedAt = System.nanoTime();
        abort.abort();

        assertClosedByTheAbort(server.takeRequest(WAIT), abortedAt);
        assertThat(call.failure(WAIT).errorType()).isEqualTo("cancelled");
        assertThat(turn.text()).isEqualTo("one");
        assertThat(server.requestCount()).as("no retry after an abort").isEqualTo(1);
    }

    @Test
    void abortingAStreamThatStalledAfterItsHeadersClosesTheConnection() throws Exception {
        server.enqueue(Reply.stall());
        BackgroundCall call = BackgroundCall.start(() -> model.stream(Requests.question("Hi"), abort, d -> { }));
        RecordedRequest request = server.takeRequest(WAIT);

        long abortedAt = System.nanoTime();
        abort.abort();

        assertClosedByTheAbort(request, abortedAt);
        assertThat(call.failure(WAIT).errorType()).isEqualTo("cancelled");
    }

    @Test
    void abortingANonStreamedCallClosesTheConnectionWhileItWaitsForTheAnswer() throws Exception {
        server.enqueue(Reply.text("a slow, whole answer").firstTokenDelay(SCRIPTED));
        BackgroundCall call = BackgroundCall.start(() -> model.invoke(Requests.question("Hi"), abort));
        RecordedRequest request = server.takeRequest(WAIT);

        long abortedAt = System.nanoTime();
        abort.abort();

        assertClosedByTheAbort(request, abortedAt);
        assertThat(call.failure(WAIT).errorType()).isEqualTo("cancelled");
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void abortingDuringARetryWaitEndsTheWaitAndStartsNoNewRequest() throws Exception {
        // Within maxRetryAfter, so the model does wait it out; the abort has to end the wait.
        server.enqueue(GeminiReply.quotaExceeded(SCRIPTED.dividedBy(2)), GeminiReply.text("too late"));
        BackgroundCall call = BackgroundCall.start(() -> model.invoke(Requests.question("Hi"), abort));
        server.takeRequest(WAIT).awaitOutcome(WAIT);

        abort.abort();

        assertThat(call.failure(WAIT).errorType()).isEqualTo("cancelled");
        assertThat(server.requestCount()).as("no retry after the abort").isEqualTo(1);
    }

    @Test
    void aCallOnAnAlreadyAbortedSignalSendsNothing() {
        abort.abort();

        assertThatThrownBy(() -> model.stream(Requests.question("Hi"), abort, d -> { }))
                .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.errorType()).isEqualTo("cancelled"));
        assertThat(server.requestCount()).isZero();
    }
}
