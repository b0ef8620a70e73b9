package dev.cadre.examples.spring;

import dev.cadre.Team;
import dev.cadre.run.CancelResult;
import dev.cadre.run.TeamRunOutput;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The ResearchTeam over REST: {@code POST /research} runs it and answers at the end;
 * {@code POST /research/background} answers {@code PENDING} at once; {@code GET /research/{runId}?sessionId=} polls;
 * {@code POST /research/{runId}/cancel} cancels.
 */
@RestController
@RequestMapping("/research")
class ResearchController {

    /** What a client asks. */
    record Question(String question) {
    }

    /** A run as the client sees it. */
    record RunView(String runId, String sessionId, String status, String content) {
        static RunView of(TeamRunOutput out) {
            return new RunView(out.runId(), out.sessionId(), out.status().name(), out.content());
        }
    }

    /** What a cancel did. */
    record Cancelled(String runId, String outcome, String status) {
    }

    private final Team team;

    ResearchController(Team researchTeam) {
        this.team = researchTeam;
    }

    @PostMapping
    RunView run(@RequestBody Question body) {
        return RunView.of(team.run(question(body)));
    }

    @PostMapping("/background")
    RunView background(@RequestBody Question body) {
        return RunView.of(team.runInBackground(question(body)));
    }

    @GetMapping("/{runId}")
    RunView poll(@PathVariable String runId, @RequestParam String sessionId) {
        return team.getRunOutput(runId, sessionId).map(RunView::of)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No run " + runId
                        + " in session " + sessionId));
    }

    @PostMapping("/{runId}/cancel")
    Cancelled cancel(@PathVariable String runId) {
        CancelResult result = team.cancelRun(runId);
        return new Cancelled(runId, result.outcome().name(), result.status().map(Enum::name).orElse(""));
    }

    private static String question(Question body) {
        if (body == null || body.question() == null || body.question().isBlank()) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "question is required, e.g. "
                    + "{\"question\": \"What are the three laws of thermodynamics?\"}");
        }
        return body.question();
    }
}
