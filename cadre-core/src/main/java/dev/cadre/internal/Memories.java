package dev.cadre.internal;

import dev.cadre.event.MemoryUpdateCompleted;
import dev.cadre.event.MemoryUpdateStarted;
import dev.cadre.event.RunEvent;
import dev.cadre.event.TeamMemoryUpdateCompleted;
import dev.cadre.event.TeamMemoryUpdateStarted;
import dev.cadre.memory.MemoryStore;
import dev.cadre.memory.UserMemory;
import dev.cadre.model.Model;
import dev.cadre.run.RunJournal;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * User memories in a run (Agno's {@code enable_user_memories} and {@code add_memories_to_context}): the user's
 * memories in the system prompt, and the memory step of a completed run.
 *
 * <p>The memory step has two halves. Before the run decides its end, the model is asked what to change
 * ({@link #think}) — a step of the run's journal, cancelled with the run. Only once the run has decided to complete
 * are the changes written ({@link Pending#write}), between the run's {@code RunContentCompleted} and its
 * {@code RunCompleted}, announced by {@code MemoryUpdateStarted}/{@code MemoryUpdateCompleted} as in Agno's streams.
 * So a cancelled or failed run writes no memory, and a failing memory step is logged and fails nothing.
 */
final class Memories {

    private static final Logger LOG = LoggerFactory.getLogger(Memories.class);

    private Memories() {
    }

    /** {@code prompt} with the user's memories added, when the run's component adds them and the run has a user. */
    static String prompt(EngineContext cx, LiveRun r, String prompt) {
        MemorySettings s = r.spec().settings().memory();
        if (!s.addToContext() || r.state.userId.isEmpty()) {
            return prompt;
        }
        return store(cx, r).map(m -> MemoryPrompts.withContext(prompt, m.ofUser(r.state.userId.get())))
                .orElse(prompt);
    }

    /**
     * The first half of the memory step: what the model would change. {@link Pending#NONE} when the component keeps
     * no memories, the run has no user or no input, or its db keeps no memories.
     *
     * @throws ModelTurn.Cancelled when the run is cancelled meanwhile
     */
    static Pending think(EngineContext cx, LiveRun r) throws ModelTurn.Cancelled {
        MemorySettings s = r.spec().settings().memory();
        Optional<Model> model = s.model().or(() -> r.spec().model());
        if (!s.update() || r.state.userId.isEmpty() || r.state.input.isBlank() || model.isEmpty()) {
            return Pending.NONE;
        }
        Optional<MemoryStore> store = store(cx, r);
        if (store.isEmpty()) {
            return Pending.NONE;
        }
        String user = r.state.userId.get();
        RunJournal.Step<MemoryStep.Thought> step;
        try {
            step = r.journal.step("memories", MemoryStep.Thought.class, () -> {
                try {
                    return MemoryStep.think(cx, r, model.get(), r.state.input, store.get().ofUser(user));
                } catch (ModelTurn.Cancelled c) {
                    throw new ModelTurn.CancelledStep();
                } catch (RuntimeException e) {
                    if (r.control.isCancelled()) {
                        throw new ModelTurn.CancelledStep();
                    }
                    LOG.warn("The memory step of run {} of {} failed; the run goes on without it: {}",
                            r.state.runId, r.spec().name(), Finisher.describe(e), e);
                    return MemoryStep.Thought.NOTHING;
                }
            });
        } catch (ModelTurn.CancelledStep c) {
            throw new ModelTurn.Cancelled();
        }
        if (step.value().answered()) {
            r.state.addUsage(model.get(), step.value().usage()); // a step whose model failed adds no model to metrics
        }
        return new Pending(store, user, step.value().ops());
    }

    private static Optional<MemoryStore> store(EngineContext cx, LiveRun r) {
        Optional<MemoryStore> store = cx.db().flatMap(dev.cadre.db.Db::memories);
        if (store.isEmpty()) {
            LOG.warn("{} has user memories, but {}: its runs neither read nor write any", r.spec().name(),
                    cx.db().isEmpty() ? "no db to keep them in" : "its db keeps none");
        }
        return store;
    }

    /** The second half of the memory step: the changes, for a run that decided to complete. */
    record Pending(Optional<MemoryStore> store, String user, List<MemoryStep.Op> ops) {

        static final Pending NONE = new Pending(Optional.empty(), "", List.of());

        /** Writes the changes, between the run's two memory events; a failed write is logged and fails nothing. */
        void write(LiveRun r) {
            if (store.isEmpty()) {
                return;
            }
            MemoryStore m = store.get();
            r.emit(started(r));
            try {
                for (MemoryStep.Op op : ops) {
                    switch (op.kind()) {
                        case DELETE -> m.delete(op.memoryId(), Optional.of(user));
                        case ADD, UPDATE -> m.upsert(MemoryStep.memoryOf(op, r, user,
                                m.get(op.memoryId(), Optional.of(user))));
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("Writing the memories of run {} of {} failed; the run completes without them: {}",
                        r.state.runId, r.spec().name(), Finisher.describe(e), e);
            }
            List<UserMemory> now;
            try {
                now = m.ofUser(user);
            } catch (RuntimeException e) {
                now = List.of();
            }
            r.emit(completed(r, now));
        }

        private static RunEvent started(LiveRun r) {
            RunState s = r.state;
            return s.spec instanceof Spec.TeamSpec
                    ? new TeamMemoryUpdateStarted(Events.now(), s.runId, s.sessionId, s.parentRunId, s.spec.id(),
                            s.spec.name())
                    : new MemoryUpdateStarted(Events.now(), s.runId, s.sessionId, s.parentRunId, s.spec.id(),
                            s.spec.name());
        }

        private static RunEvent completed(LiveRun r, List<UserMemory> memories) {
            RunState s = r.state;
            return s.spec instanceof Spec.TeamSpec
                    ? new TeamMemoryUpdateCompleted(Events.now(), s.runId, s.sessionId, s.parentRunId, s.spec.id(),
                            s.spec.name(), memories)
                    : new MemoryUpdateCompleted(Events.now(), s.runId, s.sessionId, s.parentRunId, s.spec.id(),
                            s.spec.name(), memories);
        }
    }
}
