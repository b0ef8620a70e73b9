package dev.cadre.server;

import static dev.cadre.server.Http.form;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.Agent;
import dev.cadre.db.ProcessInstance;
import dev.cadre.durable.DurableRuns;
import dev.cadre.jdbc.PostgresDb;
import dev.cadre.jdbc.TestPostgres;
import dev.cadre.openai.OpenAIChat;
import dev.cadre.run.RunStatus;
import dev.cadre.testkit.FakeOpenAIServer;
import dev.cadre.testkit.Reply;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Stopping a server in durable mode without a run manager of its own is a deploy: the runs it accepted are the
 * fleet's — let go of, or still in the queue — and none of them is cancelled, here or on the process that takes
 * them over.
 */
class DurableStopTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @RegisterExtension
    final TestPostgres.FreshSchema schema = new TestPostgres.FreshSchema();

    @Test
    void stoppingCancelsNeitherTheRunItLetGoOfNorTheOneStillQueued() throws Exception {
        try (FakeOpenAIServer openai = FakeOpenAIServer.start();
                PostgresDb db = TestPostgres.builder(schema.name()).sweepOrphans(false).withoutJournal().build()) {
            openai.dispatcher(r -> Reply.stall());
            Agent agent = Agent.builder().id("a").name("A").db(db)
                    .model(OpenAIChat.builder().id("gpt-4o").apiKey("sk-test").baseUrl(openai.baseUrl()).build())
                    .build();
            DurableRuns durable = DurableRuns.builder(db).component(agent).schema(schema.name() + "_dbos")
                    .workerConcurrency(1).queuePolling(Duration.ofMillis(50)).build();
            try {
                CadreServer server = CadreServer.builder().agents(agent).durable(durable).port(0).build().start();
                Http http = new Http(server.baseUrl());
                String executing = background(http, "Executing");
                openai.awaitRequest(r -> true, 1, WAIT);
                String queued = background(http, "Queued"); // this process executes one run at a time

                List<String> progress = new CopyOnWriteArrayList<>();
                server.stop(Duration.ZERO, progress::add);

                // The executing run is handed over; the queued one stays in the queue, for any process.
                assertThat(progress).containsExactly("draining: the runs here may finish for 0 s",
                        "handed 1 run over to the other processes");

                assertThat(db.cancelRequests(ProcessInstance.id())).as("no cancel asked for")
                        .doesNotContainKeys(executing, queued);
                assertThat(db.getRun(executing).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
                assertThat(db.getRun(queued).orElseThrow().status()).isEqualTo(RunStatus.PENDING);
                assertThat(openai.requests()).hasSize(1);
            } finally {
                durable.close();
                TestPostgres.dropSchema(schema.name() + "_dbos");
            }
        }
    }

    private static String background(Http http, String message) {
        return http.postForm("/agents/a/runs", form("message", message, "stream", "false", "background", "true"))
                .json().get("run_id").asText();
    }
}
