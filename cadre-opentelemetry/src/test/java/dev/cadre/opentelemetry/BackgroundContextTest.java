package dev.cadre.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.Agent;
import dev.cadre.RunManager;
import dev.cadre.db.InMemoryDb;
import dev.cadre.run.Run;
import dev.cadre.run.RunOutput;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.testkit.ScriptedModel.Reply;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link CadreTracing#executor}: a background run's span is a child of the span its caller had open. */
@SuppressWarnings("try") // a Scope is held for its effect on the current context
class BackgroundContextTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Tracing otel = new Tracing();
    private final RunManager runs = RunManager.builder().listener(otel.listener)
            .executor(CadreTracing.executor(new VirtualThreadExecutor())).build();
    private final Agent agent = Agent.builder().name("A").model(ScriptedModel.named("m", Reply.text("hi")))
            .db(new InMemoryDb()).runManager(runs).build();

    @AfterEach
    void shutDown() {
        runs.shutdown(Duration.ZERO);
        otel.close();
    }

    @Test
    void aBackgroundRunIsAChildOfTheCallersSpanAlthoughItRunsOnAnotherThread() throws Exception {
        Span caller = otel.provider.get("caller").spanBuilder("handle request").startSpan();
        Run<RunOutput> run;
        try (Scope ignored = caller.makeCurrent()) {
            run = agent.startInBackground("go");
        }
        otel.awaitEnd(run.runId());
        caller.end();

        SpanData runSpan = otel.named("invoke_agent A");
        assertThat(runSpan.getTraceId()).isEqualTo(caller.getSpanContext().getTraceId());
        assertThat(runSpan.getParentSpanId()).isEqualTo(caller.getSpanContext().getSpanId());
        assertThat(otel.named("chat m").getParentSpanId()).isEqualTo(runSpan.getSpanId());
    }

    @Test
    void aBackgroundRunStartedOutsideAnySpanIsARootSpan() throws Exception {
        Run<RunOutput> run = agent.startInBackground("go");
        otel.awaitEnd(run.runId());

        assertThat(otel.named("invoke_agent A").getParentSpanContext().isValid()).isFalse();
    }
}
