package dev.cadre.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.model.Model;
import dev.cadre.model.ModelDelta;
import dev.cadre.model.ModelException;
import dev.cadre.model.ModelResponseAccumulator;
import dev.cadre.testkit.BackgroundCall;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.RecordedRequest;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.TestAbortSignal;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** An abort closes the HTTP connection at once, whatever the call is doing, and nothing is retried. */
class CancellationTest {

    /**
     * How long each scripted reply would go on before its next step: the next token, the headers,
     * the whole answer. What the abort causes is awaited for a fraction of it, so it cannot be the
     * reply moving on or ending by itself; how fast it comes is for the benchmark to measure.
     */
    private static final Duration SCRIPTED = Duration.ofSeconds(60);
    /** Generous on a busy machine, and well within {@link #SCRIPTED}. */
    private static final Duration WAIT = SCRIPTED.dividedBy(4);

    private final FakeOpenAIServer server = FakeOpenAIServer.start();
    private final TestAbortSignal abort = new TestAbortSignal();

    @AfterEach
    void stop() {
        server.close();
    }

    /** The server saw the client close the connection after the abort, long before the reply's next step. */
    private static void assertClosedByTheAbort(RecordedRequest request, long abortedAt) {
        assertThat(request.awaitDisconnect(WAIT))
                .as("the server saw the client close well before its reply's next step, %d s away",
                        SCRIPTED.toSeconds())
                .isTrue();
        assertThat(request.disconnectedAtNanos().orElseThrow()).as("closed after the abort, not before")
                .isGreaterThanOrEqualTo(abortedAt);
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void abortingAStreamBetweenTwoTokensClosesTheConnectionAtOnceAndKeepsThePartialText(Models kind)
            throws Exception {
        server.enqueue(Reply.text("one two three four five six seven eight").chunkDelay(SCRIPTED));
        Model model = kind.against(server);
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

        RecordedRequest request = server.takeRequest(WAIT);
        assertClosedByTheAbort(request, abortedAt);
        assertThat(call.failure(WAIT).errorType()).isEqualTo("cancelled");
        assertThat(turn.text()).isEqualTo("one");
        assertThat(server.requestCount()).as("no retry after an abort").isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void abortingAStreamThatStalledAfterItsHeadersClosesTheConnection(Models kind) throws Exception {
        server.enqueue(Reply.stall());
        BackgroundCall call = BackgroundCall.start(
                () -> kind.against(server).stream(Requests.question("Hi"), abort, d -> { }));
        RecordedRequest request = server.takeRequest(WAIT);

        long abortedAt = System.nanoTime();
        abort.abort();

        assertClosedByTheAbort(request, abortedAt);
        assertThat(call.failure(WAIT).errorType()).isEqualTo("cancelled");
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void abortingAStreamStillWaitingForItsHeadersClosesTheConnection(Models kind) throws Exception {
        server.enqueue(Reply.text("late").headersDelay(SCRIPTED));
        BackgroundCall call = BackgroundCall.start(
                () -> kind.against(server).stream(Requests.question("Hi"), abort, d -> { }));
        RecordedRequest request = server.takeRequest(WAIT);

        long abortedAt = System.nanoTime();
        abort.abort();

        assertClosedByTheAbort(request, abortedAt);
        assertThat(call.failure(WAIT).errorType()).isEqualTo("cancelled");
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void abortingANonStreamedCallClosesTheConnectionWhileItWaitsForTheAnswer(Models kind) throws Exception {
        server.enqueue(Reply.text("a slow, whole answer").firstTokenDelay(SCRIPTED));
        BackgroundCall call = BackgroundCall.start(
                () -> kind.against(server).invoke(Requests.question("Hi"), abort));
        RecordedRequest request = server.takeRequest(WAIT);

        long abortedAt = System.nanoTime();
        abort.abort();

        assertClosedByTheAbort(request, abortedAt);
        assertThat(call.failure(WAIT).errorType()).isEqualTo("cancelled");
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void abortingDuringARetryBackoffEndsTheWaitAndStartsNoNewRequest(Models kind) throws Exception {
        // Within maxRetryAfter, so the client does wait it out; the abort has to end the wait.
        server.enqueue(Reply.rateLimited(SCRIPTED.dividedBy(2)), Reply.text("too late"));
        BackgroundCall call = BackgroundCall.start(
                () -> kind.against(server).invoke(Requests.question("Hi"), abort));
        server.takeRequest(WAIT).awaitOutcome(WAIT);

        abort.abort();

        assertThat(call.failure(WAIT).errorType()).isEqualTo("cancelled");
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Models.class)
    void aCallOnAnAlreadyAbortedSignalSendsNothing(Models kind) {
        abort.abort();

        assertThatThrownBy(() -> kind.against(server).stream(Requests.question("Hi"), abort, d -> { }))
                .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.errorType()).isEqualTo("cancelled"));
        assertThat(server.requestCount()).isZero();
    }
}
