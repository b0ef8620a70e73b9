package dev.cadre.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.TeamMode;
import dev.cadre.run.RunFailure;
import dev.cadre.run.RunInfo;
import dev.cadre.run.RunJournal;
import dev.cadre.run.StepTask;
import dev.cadre.run.RunRequest;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A team leader's delegation tools: a member run (or one per member, in broadcast mode) in the team's session,
 * as a child of the team run, whose answer becomes the tool's result.
 */
final class Delegation {

    private final RunEngine engine;

    Delegation(RunEngine engine) {
        this.engine = engine;
    }

    /**
     * Delegates to the member the leader named.
     *
     * @param key the tool call's place in the team run ({@code runId/turn/call}): the member run's id is made
     *     from it, so that a team run executed again finds the member run it started the first time
     */
    ToolRound.Outcome toMember(LiveRun r, String key, Spec.TeamSpec team, JsonNode args) {
        String memberId = args.path("member_id").asText("");
        String task = args.path("task").asText("");
        Optional<Spec> member = team.members().stream().filter(m -> m.id().equals(memberId)).findFirst();
        if (member.isEmpty()) {
            return ToolRound.Outcome.failed("Member with ID " + memberId + " not found in the team. Valid member ids: "
                    + String.join(", ", team.members().stream().map(Spec::id).toList())
                    + ". Call " + ToolDefinitions.DELEGATE_ONE + " again with one of them.");
        }
        if (task.isBlank()) {
            return ToolRound.Outcome.failed("The task is empty: give " + memberId + " a task to do.");
        }
        RunResult result;
        try {
            result = runMember(r, key, member.get(), task);
        } catch (RuntimeException e) {
            return ToolRound.Outcome.failed("Could not start member " + memberId + ": " + Finisher.describe(e));
        }
        boolean route = team.mode() == TeamMode.ROUTE && result.status() == RunStatus.COMPLETED;
        return switch (result.status()) {
            case COMPLETED -> new ToolRound.Outcome(result.content(), false, Optional.of(result.runId()), route,
                    route ? Optional.of(result.content()) : Optional.empty());
            case ERROR -> new ToolRound.Outcome("Member " + memberId + " failed: "
                    + result.error().map(RunFailure::message).orElse(result.content()), true,
                    Optional.of(result.runId()), false, Optional.empty());
            default -> new ToolRound.Outcome("Member " + memberId + "'s run was cancelled. Partial answer: "
                    + result.content(), true, Optional.of(result.runId()), false, Optional.empty());
        };
    }

    ToolRound.Outcome toAll(LiveRun r, String key, Spec.TeamSpec team, JsonNode args) {
        String task = args.path("task").asText("");
        if (task.isBlank()) {
            return ToolRound.Outcome.failed("The task is empty: give the members a task to do.");
        }
        // Each member run is a step of its own, so that a team run executed again runs only those that did not end.
        List<RunJournal.Work<RunResult>> works = new ArrayList<>();
        for (Spec member : team.members()) {
            works.add(new RunJournal.Work<>(new StepTask.MemberRun(r.state.runId, r.path, key, member.id(), task),
                    () -> runMember(r, key, member, task)));
        }
        List<CompletableFuture<RunJournal.Step<RunResult>>> runs = r.journal.steps("member", RunResult.class, works);
        StringBuilder text = new StringBuilder();
        int failures = 0;
        for (int i = 0; i < runs.size(); i++) {
            Spec member = team.members().get(i);
            String label = (member instanceof Spec.TeamSpec ? "Team " : "Agent ") + member.name() + ": ";
            if (!text.isEmpty()) {
                text.append("\n\n");
            }
            try {
                RunResult res = runs.get(i).join().value();
                switch (res.status()) {
                    case COMPLETED -> text.append(label).append(res.content());
                    case ERROR -> {
                        failures++;
                        text.append(label).append("(failed: ")
                                .append(res.error().map(RunFailure::message).orElse(res.content())).append(')');
                    }
                    default -> {
                        failures++;
                        text.append(label).append("(cancelled) ").append(res.content());
                    }
                }
            } catch (CompletionException e) {
                failures++;
                text.append(label).append("(could not start: ").append(Finisher.describe(e.getCause())).append(')');
            }
        }
        return new ToolRound.Outcome(text.toString(), failures == runs.size(), Optional.empty(), false,
                Optional.empty());
    }

    /** The id of the member run a delegation starts: a name-based UUID of where the delegation is and who to. */
    static String memberRunId(String key, Spec member) {
        return UUID.nameUUIDFromBytes((key + "/" + member.id()).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** Runs a member on the calling thread, in the team's session, as a child of the team run. */
    RunResult runMember(LiveRun team, String key, Spec member, String task) {
        String memberRunId = memberRunId(key, member);
        RunRequest request = new RunRequest(task, Optional.of(team.state.sessionId), Optional.of(memberRunId),
                team.state.userId, true);
        // Streamed, a team sees its members' events go by: Agno counts their text as the team's partial answer.
        EventSink sink = team.mode == RunEngine.Mode.BLOCKING ? team.sink : e -> {
            team.state.descendantStreamed(Events.memberText(e));
            team.sink.emit(e);
        };
        LiveRun m;
        try {
            m = engine.register(member, request, team.mode, dev.cadre.run.RunStatus.RUNNING, c -> sink,
                    Optional.of(team), team.journal);
        } catch (RunEngine.EndedBefore e) {
            team.state.memberEnded(e.stored);
            return e.stored;
        }
        RunInfo memberInfo = m.info;
        team.listeners.call(team.info, l -> l.delegationStarted(team.info, memberInfo, task));
        team.state.memberStarted(memberRunId);
        RunResult end = null;
        try {
            end = engine.steps().execute(m);
            return end;
        } finally {
            RunResult last = end != null ? end : m.state.snapshot();
            team.state.memberEnded(m.state.snapshot());
            // A member's end held for its cancelled team run's write is announced once the two are stored.
            m.afterEndStored(() -> announceEnd(team, m, memberInfo, last));
        }
    }

    private void announceEnd(LiveRun team, LiveRun m, RunInfo memberInfo, RunResult end) {
        m.done.complete(null);
        RunResult last = m.outcome != null ? m.outcome : end;
        engine.finisher().announce(m, last);
        team.listeners.call(team.info, l -> l.delegationEnded(team.info, memberInfo, last));
    }
}
