package dev.cadre.internal;

import dev.cadre.db.DbException;
import dev.cadre.model.Message;
import dev.cadre.model.ModelException;
import dev.cadre.model.ModelResponse;
import dev.cadre.model.OutputSchema;
import dev.cadre.model.ToolDefinition;
import dev.cadre.run.RunResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The step loop of a started run, on the run's thread: the prompt and history, then model turns and tool
 * rounds until the model answers, a routed member answers, the tool-round limit is hit, or a cancel
 * wins. Every way out ends the run through the {@link Finisher}; nothing escapes as an exception.
 */
final class Steps {

    private static final Logger LOG = LoggerFactory.getLogger(Steps.class);

    private final EngineContext cx;
    private final ModelTurn turns;
    private final ToolRound tools;
    private final Finisher finisher;

    Steps(EngineContext cx, ModelTurn turns, ToolRound tools, Finisher finisher) {
        this.cx = cx;
        this.turns = turns;
        this.tools = tools;
        this.finisher = finisher;
    }

    /** Runs a started run to its end on the calling thread, then takes it out of the registry. */
    RunResult execute(LiveRun r) {
        RunResult result = null;
        cx.registry().executionStarted();
        r.listeners.call(r.info, l -> l.runStarted(r.info));
        try {
            result = loop(r);
            return result;
        } catch (Error e) {
            // A broken model or tool (a missing class, an assertion): still end the run and record it.
            LOG.error("Run {} of {} failed with an error", r.state.runId, r.spec().name(), e);
            result = r.control.isCancelled() ? finisher.cancelled(r) : finisher.fail(r, "internal_error",
                    Finisher.describe(e));
            return result;
        } finally {
            finisher.writeHeld(r); // member ends it held and did not write with its own (it was let go of)
            RunResult ended = result != null ? result : r.state.snapshot();
            // A member's end held for its cancelled team run's write: the run leaves once the two are stored.
            r.afterEndStored(() -> left(r, ended));
        }
    }

    /** The run has ended and its end is stored: it leaves the registry, and the listeners hear of its end. */
    private void left(LiveRun r, RunResult ended) {
        RunResult end = r.outcome != null ? r.outcome : ended;
        cx.registry().unregister(r.active, end.status());
        cx.registry().executionEnded();
        r.control.detach();
        r.listeners.call(r.info, l -> l.runEnded(r.info, end));
    }

    private RunResult loop(LiveRun r) {
        RunState s = r.state;
        try {
            r.emit(r.events.started());
            checkCancelled(r);
            List<Message> conversation = new ArrayList<>();
            for (Message m : opening(r)) {
                conversation.add(m);
                if (!m.fromHistory()) {
                    s.addMessage(m);
                }
            }
            List<ToolDefinition> offered = ToolDefinitions.of(r.spec());
            Optional<OutputSchema> schema = s.requestedSchema().or(() -> r.spec().settings().outputSchema());
            Optional<Class<?>> type = s.requestedSchema().isPresent() ? Optional.empty()
                    : r.spec().settings().outputType();
            boolean corrected = false;
            int toolRounds = 0;
            while (true) {
                checkCancelled(r);
                ModelResponse response = turns.call(r, conversation, offered, schema);
                Message assistant = Message.assistant(response.content(), response.toolCalls());
                conversation.add(assistant);
                s.addMessage(assistant);
                if (response.toolCalls().isEmpty() && schema.isPresent()) {
                    StructuredAnswers.Check check = StructuredAnswers.check(schema.get(), type, response.content());
                    if (check instanceof StructuredAnswers.Check.Passed p) {
                        s.structured(schema.get().name());
                        return finisher.complete(r, p.json());
                    }
                    StructuredAnswers.Check.Failed f = (StructuredAnswers.Check.Failed) check;
                    if (corrected) {
                        return finisher.fail(r, "output_schema_error", "The answer of " + r.spec().name()
                                + " did not match its output schema '" + schema.get().name() + "' after a "
                                + "corrective turn: " + f.problem() + ". Check that the model supports "
                                + "structured output, or loosen the schema");
                    }
                    // One corrective turn: the model sees what was wrong and answers again.
                    corrected = true;
                    Message fix = Message.user(StructuredAnswers.correction(schema.get(), f));
                    conversation.add(fix);
                    s.addMessage(fix);
                    continue;
                }
                if (response.toolCalls().isEmpty()) {
                    return finisher.complete(r, response.content());
                }
                if (++toolRounds > r.spec().settings().maxToolRounds()) {
                    return finisher.fail(r, "tool_call_limit", "The model was still calling tools after "
                            + r.spec().settings().maxToolRounds() + " rounds; raise maxToolRounds(...) on "
                            + r.spec().name() + " if it needs more, or check what its tools return");
                }
                checkCancelled(r);
                List<ToolRound.Outcome> outcomes = tools.run(r, toolRounds, response.toolCalls());
                Optional<String> routed = Optional.empty();
                for (int i = 0; i < outcomes.size(); i++) {
                    ToolRound.Outcome o = outcomes.get(i);
                    Message result = Message.toolResult(response.toolCalls().get(i), o.text());
                    conversation.add(result);
                    s.addMessage(result);
                    if (o.stop() && routed.isEmpty()) {
                        routed = o.answer();
                    }
                }
                if (routed.isPresent()) {
                    return completeRouted(r, routed.get(), schema, type);
                }
                finisher.progress(r);
            }
        } catch (ModelTurn.Cancelled c) {
            return finisher.cancelled(r);
        } catch (ModelException e) {
            return r.control.isCancelled() ? finisher.cancelled(r) : finisher.fail(r, e.errorType(), e.getMessage());
        } catch (RuntimeException e) {
            if (r.control.isCancelled() || r.journal.released()) {
                return finisher.cancelled(r); // a run its journal lets go of ends there, without a failure
            }
            if (e instanceof DbException se) {
                // The db's message names hosts and files: it goes to the log, the run keeps a reference to it.
                String ref = ErrorIds.next();
                LOG.error("Run {} of {} failed: its db failed [error {}]", s.runId, r.spec().name(), ref, e);
                return finisher.fail(r, "store_error", "The run's database failed (" + se.kind().name().toLowerCase(
                        Locale.ROOT) + "); the server's log has the details under error " + ref + ".");
            }
            LOG.error("Run {} of {} failed unexpectedly", s.runId, r.spec().name(), e);
            return finisher.fail(r, "internal_error", Finisher.describe(e));
        }
    }

    /**
     * The conversation a run starts from — its instructions, the session's history, the input — as the first
     * step of its journal: a run executed again starts from the history it saw the first time, not from what
     * the session holds by then.
     */
    private List<Message> opening(LiveRun r) {
        return List.of(r.journal.step("prompt", Message[].class, () -> {
            List<Message> opening = new ArrayList<>();
            String prompt = Memories.prompt(cx, r, switch (r.spec()) {
                case Spec.AgentSpec a -> Prompts.agent(a);
                case Spec.TeamSpec t -> Prompts.leader(t);
            });
            if (!prompt.isEmpty()) {
                opening.add(Message.system(prompt));
            }
            opening.addAll(r.member || cx.db().isEmpty() ? List.of()
                    : History.of(cx.db().get(), r.spec(), r.state.sessionId, r.state.runId));
            opening.add(Message.user(r.state.input));
            return opening.toArray(Message[]::new);
        }).value());
    }

    /**
     * A routed member's answer is the team's: with an output schema it must pass it (there is no turn of the
     * leader's to correct it in), and the member should have the same schema.
     */
    private RunResult completeRouted(LiveRun r, String answer, Optional<OutputSchema> schema, Optional<Class<?>> type) {
        if (schema.isEmpty()) {
            return finisher.complete(r, answer);
        }
        return switch (StructuredAnswers.check(schema.get(), type, answer)) {
            case StructuredAnswers.Check.Passed p -> {
                r.state.structured(schema.get().name());
                yield finisher.complete(r, p.json());
            }
            case StructuredAnswers.Check.Failed f -> finisher.fail(r, "output_schema_error", "The answer routed to "
                    + r.spec().name() + " did not match its output schema '" + schema.get().name() + "': "
                    + f.problem() + ". Give the member the same outputSchema(...)");
        };
    }

    private static void checkCancelled(LiveRun r) throws ModelTurn.Cancelled {
        if (r.control.isCancelled()) {
            throw new ModelTurn.Cancelled();
        }
    }
}
