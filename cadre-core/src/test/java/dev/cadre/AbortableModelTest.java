package dev.cadre;

import static dev.cadre.Scripts.delegate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.db.InMemoryDb;
import dev.cadre.event.RunContent;
import dev.cadre.event.RunEvent;
import dev.cadre.event.TerminalEvent;
import dev.cadre.model.AbortSignal;
import dev.cadre.model.Model;
import dev.cadre.model.ModelDelta;
import dev.cadre.model.ModelRequest;
import dev.cadre.model.ModelResponse;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunRequest;
import dev.cadre.run.RunStatus;
import dev.cadre.run.RunStream;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.testkit.ScriptedModel.Reply;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A model that is {@link Model#abortable() abortable} is called on the run's own thread — no thread of its own
 * per request — and a cancel still ends its run at once: the abort ends the call, and the run ends where it is,
 * partial answer kept. Any other model keeps a thread of its own per call.
 */
class AbortableModelTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    /** {@code model}, abortable or not, noting the thread of each call. */
    record Noting(ScriptedModel model, boolean abortable, List<String> threads) implements Model {

        Noting(ScriptedModel model, boolean abortable) {
            this(model, abortable, new CopyOnWriteArrayList<>());
        }

        @Override
        public String id() {
            return model.id();
        }

        @Override
        public void stream(ModelRequest request, AbortSignal abort, Consumer<ModelDelta> deltas) {
            threads.add(Thread.currentThread().getName());
            model.stream(request, abort, deltas);
        }

        @Override
        public ModelResponse invoke(ModelRequest request, AbortSignal abort) {
            threads.add(Thread.currentThread().getName());
            return model.invoke(request, abort);
        }
    }

    @Test
    void anAbortableModelIsCalledOnTheRunsOwnThreadAndAnyOtherOnOneOfItsOwn() {
        Noting abortable = new Noting(ScriptedModel.of(Reply.text("hi")), true);
        Noting other = new Noting(ScriptedModel.of(Reply.text("hi")), false);
        RunManager runs = RunManager.builder().build();

        Agent.builder().name("A").model(abortable).runManager(runs).build().run("go");
        Agent.builder().name("B").model(other).runManager(runs).build().run("go");

        assertThat(abortable.threads()).singleElement().asString().startsWith("cadre-run-");
        assertThat(other.threads()).singleElement().asString().startsWith("cadre-model-");
        runs.shutdown(Duration.ZERO);
    }

    @Test
    void aCancelEndsARunMidStreamOnItsOwnThreadKeepingItsPartialAnswer() throws Exception {
        ScriptedModel scripted = ScriptedModel.of(Reply.text("half an answer").thenBlock());
        Noting model = new Noting(scripted, true);
        InMemoryDb db = new InMemoryDb();
        RunManager runs = RunManager.builder().build();
        Agent agent = Agent.builder().name("A").model(model).db(db).runManager(runs).build();
        RunStream stream = agent.stream("go");

        Scripts.Cancelled cancelled = Scripts.cancelWhen(agent, stream, ev -> ev.getLast() instanceof RunContent);

        RunOutput out = (RunOutput) stream.result();
        assertThat(out.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(out.content()).contains("half an answer");
        assertThat(cancelled.events().getLast()).isInstanceOf(TerminalEvent.class);
        assertThat(scripted.awaitAbortedCalls(1, WAIT)).isTrue();
        assertThat(db.getRun(stream.runId()).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(runs.awaitNoLiveThreads(WAIT)).isTrue();
        runs.shutdown(Duration.ZERO);
    }

    @Test
    void aTeamOfAbortableModelsIsCancelledWholeMembersFirst() throws Exception {
        ScriptedModel member = ScriptedModel.of(Reply.text("dig ").thenBlock());
        InMemoryDb db = new InMemoryDb();
        RunManager runs = RunManager.builder().build();
        Team team = Team.builder().name("T").model(new Noting(ScriptedModel.of(delegate("deep", "dig")), true))
                .members(Agent.builder().name("Deep").model(new Noting(member, true)).build())
                .db(db).runManager(runs).build();
        RunStream stream = team.stream(RunRequest.builder("go").build());

        List<RunEvent> events = Scripts.cancelWhen(team, stream, ev -> ev.getLast() instanceof RunContent).events();

        assertThat(events.stream().filter(e -> e instanceof TerminalEvent).map(e -> e.event() + ":" + e.componentId()))
                .containsExactly("RunCancelled:deep", "TeamRunCancelled:t");
        TeamRunOutput stored = (TeamRunOutput) db.getRun(stream.runId()).orElseThrow();
        assertThat(stored.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(stored.memberResponses()).singleElement().satisfies(m -> {
            assertThat(m.status()).isEqualTo(RunStatus.CANCELLED);
            assertThat(m.content()).isEqualTo("dig ");
        });
        assertThat(runs.awaitNoLiveThreads(WAIT)).isTrue();
        runs.shutdown(Duration.ZERO);
    }
}
