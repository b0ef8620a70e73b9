package dev.cadre.server;

import static dev.cadre.server.Http.form;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import dev.cadre.Agent;
import dev.cadre.RunManager;
import dev.cadre.openai.OpenAIChat;
import dev.cadre.db.InMemoryDb;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.Reply;
import org.junit.jupiter.api.Test;

/** Stopping the server ends what runs as CANCELLED with a reason; nothing is left RUNNING. */
class ShutdownTest {

    @Test
    void stopCancelsStreamedAndBackgroundRunsWithAReason() throws Exception {
        TestBed bed = new TestBed();
        try {
            String background = bed.http.postForm("/agents/echo/runs",
                    form("message", "[stall] background", "stream", "false", "background", "true"))
                    .json().get("run_id").asText();
            HttpResponse<InputStream> response = bed.http.openForm("/teams/crew/runs", form("message", "[stall] streamed"));
            try (Sse.Reader events = new Sse.Reader(response.body())) {
                String streamed = events.until("TeamRunStarted").get("run_id").asText();
                bed.awaitModelCall("[stall] streamed");

                bed.server.stop(Duration.ofMillis(200));

                List<JsonNode> rest = events.rest();
                assertThat(Sse.names(rest)).endsWith("TeamRunCancelled");
                assertThat(rest.getLast().get("reason").asText()).contains("shutting down");
                for (String runId : List.of(background, streamed)) {
                    RunResult run = bed.store.getRun(runId).orElseThrow();
                    assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
                }
                assertThat(bed.runManager.activeRunIds()).isEmpty();
            }
        } finally {
            bed.close();
        }
    }

    @Test
    void withoutARunManagerStopCancelsTheRunsTheServerStarted() throws Exception {
        try (FakeOpenAIServer openai = FakeOpenAIServer.start()) {
            openai.dispatcher(r -> Reply.stall());
            InMemoryDb store = new InMemoryDb();
            RunManager own = RunManager.builder().build(); // not given to the server
            CadreServer server = CadreServer.builder().agents(agentOn(store, own, openai)).port(0).build().start();
            List<String> runIds = tenWaitingBackgroundRuns(server, openai);

            server.stop(Duration.ofMillis(100));

            // When stop returns, every run it started has ended and its end is stored.
            assertThat(own.activeRunIds()).isEmpty();
            for (String runId : runIds) {
                assertThat(store.getRun(runId).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);
            }
        }
    }

    /** A db whose final writes wait for the test's gate; it says whether it was closed under a write. */
    static final class SlowFinishes extends dev.cadre.db.ForwardingDb {
        final java.util.concurrent.CompletableFuture<Void> gate = new java.util.concurrent.CompletableFuture<>();
        final java.util.concurrent.CountDownLatch started;
        final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
        volatile boolean closedUnderAWrite;
        volatile boolean closed;

        SlowFinishes(int finishes) {
            super(new InMemoryDb());
            this.started = new java.util.concurrent.CountDownLatch(finishes);
        }

        @Override
        public boolean finishRun(RunResult run, String ownerInstanceId) {
            inFlight.incrementAndGet();
            try {
                started.countDown();
                gate.join();
                return super.finishRun(run, ownerInstanceId);
            } finally {
                inFlight.decrementAndGet();
            }
        }

        @Override
        public void close() {
            closedUnderAWrite |= inFlight.get() > 0;
            closed = true;
        }
    }

    @Test
    void withoutARunManagerStopWaitsForSlowFinalWritesBeforeClosingTheDb() throws Exception {
        try (FakeOpenAIServer openai = FakeOpenAIServer.start()) {
            openai.dispatcher(r -> Reply.stall());
            SlowFinishes db = new SlowFinishes(10);
            RunManager own = RunManager.builder().build(); // not given to the server
            CadreServer server = CadreServer.builder().agents(agentOn(db, own, openai)).port(0).closeOnStop(db).build()
                    .start();
            List<String> runIds = tenWaitingBackgroundRuns(server, openai);

            var stopped = java.util.concurrent.CompletableFuture.runAsync(() -> server.stop(Duration.ZERO));
            assertThat(db.started.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            // Every run's cancelled end is being written, and stop waits for the writes.
            assertThat(stopped).isNotDone();
            assertThat(db.closed).isFalse();
            db.gate.complete(null);
            stopped.get(30, java.util.concurrent.TimeUnit.SECONDS);

            assertThat(db.closedUnderAWrite).isFalse();
            assertThat(db.closed).isTrue();
            for (String runId : runIds) {
                assertThat(db.getRun(runId).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);
            }
        }
    }

    /** Agent "a" on {@code db} and {@code manager}, its model the fake server. */
    private static Agent agentOn(dev.cadre.db.Db db, RunManager manager, FakeOpenAIServer openai) {
        return Agent.builder().id("a").name("A").db(db).runManager(manager)
                .model(OpenAIChat.builder().id("gpt-4o").apiKey("sk-test").baseUrl(openai.baseUrl()).build()).build();
    }

    /** Ten background runs of agent "a", each started and waiting on its (stalled) model request. */
    private static List<String> tenWaitingBackgroundRuns(CadreServer server, FakeOpenAIServer openai) throws Exception {
        Http http = new Http(server.baseUrl());
        List<String> runIds = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            runIds.add(http.postForm("/agents/a/runs", form("message", "wait " + i, "stream", "false",
                    "background", "true")).json().get("run_id").asText());
        }
        assertThat(openai.awaitRequests(10, Duration.ofSeconds(30))).hasSize(10);
        return runIds;
    }
}
