package dev.cadre.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cadre.event.RunCompleted;
import dev.cadre.event.RunStarted;
import dev.cadre.event.TeamRunCompleted;
import dev.cadre.event.TeamRunStarted;
import dev.cadre.event.TeamToolCallCompleted;
import dev.cadre.event.TeamToolCallStarted;
import dev.cadre.json.CadreJson;
import dev.cadre.model.Message;
import dev.cadre.model.Role;
import dev.cadre.model.ToolCall;
import dev.cadre.run.RunMetrics;
import dev.cadre.run.RunOutput;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunResult.RunInput;
import dev.cadre.run.RunStatus;
import dev.cadre.run.TeamRunOutput;
import dev.cadre.run.ToolExecution;
import dev.cadre.db.ProcessInstance;
import dev.cadre.db.SessionRecord;
import dev.cadre.db.SessionType;
import dev.cadre.db.Db;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;

/**
 * The sessions the listing benchmark reads: each one a completed team run in which the leader
 * delegated to a member (system prompt, user message, tool call, tool result, answer; the member's
 * own run beside it), about 15 KB of JSON for the team run and 5 KB for the member's, as a real
 * conversation leaves behind. Every other session has no name, so a listing has to show its first
 * run's input instead.
 *
 * <p>Written through the public {@link Db} API, in the order the engine writes a run (session,
 * RUNNING insert, member insert and finish, team finish), so that whatever the store keeps for a
 * listing is filled the way it would be in production.
 */
final class ListingData {

    static final String TEAM_ID = "research-team";
    static final String TEAM_NAME = "Research Team";
    static final String MEMBER_ID = "researcher";
    static final String MEMBER_NAME = "Researcher";
    private static final String MODEL = "gpt-4o-mini";
    private static final String PROVIDER = "OpenAI";

    /** Words for the prose of messages; declared first, the prompts below are made of them. */
    private static final String[] VOCABULARY = ("the of and to in is that for on with as by at from this be are was"
            + " it an or not which have has more than revenue growth market share quarter report Java virtual threads"
            + " database index latency throughput customers pricing model region Europe Asia forecast budget risk team"
            + " release version feature migration storage cost analysis source study survey result trend increase"
            + " decrease compared previous year annual monthly policy regulation energy supply demand chain product"
            + " launch competitor strategy hiring engineers support tickets backlog roadmap milestone estimate")
            .split(" ");

    /** Shared by every run, as a team's instructions are: about 1 KB. */
    private static final String LEADER_PROMPT = "You are the leader of the Research Team. You coordinate the members"
            + " below and answer the user yourself once you have what you need.\n\n<members>\n- researcher: Research"
            + " topics and provide factual information, with sources.\n</members>\n\n" + words(new Random(1), 800);
    private static final String MEMBER_PROMPT = "You are Researcher, a member of the Research Team. Research topics and"
            + " provide factual information.\n\n" + words(new Random(2), 400);

    /** What was written, and what a listing must show for each session. */
    record Populated(int sessions, int named, long runs, double seconds, Map<String, String> displayNames,
            List<String> newestFirst) {
    }

    private ListingData() {
    }

    /**
     * Writes {@code n} sessions, each with one completed team run and its member run, from
     * {@code threads} threads: the store API has no batch write, so the writes are overlapped
     * instead (SQLite's single writer queues them; PostgreSQL's pool takes them side by side).
     */
    static Populated populate(Db store, int n, int threads) throws Exception {
        // Whole seconds apart, in the past: the listing order (newest first) is then exact.
        Instant first = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(n + 60L);
        String[] ids = new String[n];
        Map<String, String> names = new ConcurrentHashMap<>();
        LongAdder runs = new LongAdder();
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            int chunk = (n + threads - 1) / threads;
            for (int from = 0; from < n; from += chunk) {
                int start = from;
                int end = Math.min(n, from + chunk);
                done.add(pool.submit(() -> {
                    for (int i = start; i < end; i++) {
                        SessionWrites w = session(i, first.plusSeconds(i));
                        w.writeTo(store);
                        ids[i] = w.session().sessionId();
                        names.put(ids[i], w.displayName());
                        runs.add(2);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> newestFirst = new ArrayList<>(n);
        for (int i = n - 1; i >= 0; i--) {
            newestFirst.add(ids[i]);
        }
        return new Populated(n, (n + 1) / 2, runs.sum(), (System.nanoTime() - t0) / 1e9, Map.copyOf(names),
                List.copyOf(newestFirst));
    }

    /** One session and the snapshots of its runs, in the order the engine writes them. */
    record SessionWrites(SessionRecord session, String displayName, TeamRunOutput teamStarted,
            RunOutput memberStarted, RunOutput memberDone, TeamRunOutput teamDone) {

        void writeTo(Db store) {
            store.saveSession(session);
            store.insertRun(teamStarted, ProcessInstance.id());
            store.insertRun(memberStarted, ProcessInstance.id());
            check(store.finishRun(memberDone), memberDone.runId());
            check(store.finishRun(teamDone), teamDone.runId());
        }
    }

    /** How big the stored JSON of one finished team run and of its member run is, in bytes. */
    static long[] runJsonBytes() {
        SessionWrites w = session(0, Instant.now());
        return new long[] {CadreJson.write(w.teamDone()).length(), CadreJson.write(w.memberDone()).length()};
    }

    /** Session {@code i}, as the engine leaves it after one delegated team run. */
    static SessionWrites session(int i, Instant at) {
        Random r = new Random(1_000L + i);
        String sessionId = String.format("s-%05d-%08x", i, r.nextInt());
        String teamRunId = "run-" + sessionId;
        String memberRunId = "member-" + sessionId;
        Optional<String> user = Optional.of("user-" + (i % 100));
        String input = "Question " + i + ": compare how " + words(r, 160) + "?";
        Optional<String> name = i % 2 == 0 ? Optional.of("Research #" + i + ": " + words(r, 30)) : Optional.empty();
        SessionRecord session = new SessionRecord(sessionId, SessionType.TEAM, TEAM_ID, user, name, at, at);

        String task = "Find the facts for: " + input;
        String facts = words(r, 800);
        String answer = words(r, 700);
        Message system = message(sessionId, 1, Role.SYSTEM, LEADER_PROMPT, at);
        Message asked = message(sessionId, 2, Role.USER, input, at);
        String args = JsonNodeFactory.instance.objectNode().put("member_id", MEMBER_ID).put("task", task).toString();
        ToolCall call = new ToolCall("call-" + sessionId, OverheadSuite.TOOL, args);
        Message delegated = new Message(sessionId + "-m3", Role.ASSISTANT, "", List.of(call), Optional.empty(),
                Optional.empty(), false, at.plusMillis(800));
        Message result = new Message(sessionId + "-m4", Role.TOOL, facts, List.of(), Optional.of(call.id()),
                Optional.of(OverheadSuite.TOOL), false, at.plusSeconds(4));
        Message answered = message(sessionId, 5, Role.ASSISTANT, answer, at.plusSeconds(6));
        ToolExecution started = new ToolExecution(call.id(), OverheadSuite.TOOL,
                JsonNodeFactory.instance.objectNode().put("member_id", MEMBER_ID).put("task", task), Optional.empty(),
                false, Optional.of(memberRunId), false, at.plusMillis(800));
        ToolExecution finished = new ToolExecution(call.id(), OverheadSuite.TOOL, started.toolArgs(),
                Optional.of(facts), false, Optional.of(memberRunId), false, at.plusMillis(800));
        RunMetrics teamMetrics = new RunMetrics(1_850, 420, 2_270, 0, 0, Optional.of(Duration.ofMillis(640)),
                Optional.of(Duration.ofMillis(6_100)));
        RunMetrics memberMetrics = new RunMetrics(620, 380, 1_000, 0, 0, Optional.of(Duration.ofMillis(410)),
                Optional.of(Duration.ofMillis(3_050)));

        TeamRunStarted teamStarted = new TeamRunStarted(at, teamRunId, sessionId, Optional.empty(), TEAM_ID, TEAM_NAME,
                MODEL, PROVIDER);
        TeamRunOutput running = team(teamRunId, sessionId, user, input, "", RunStatus.RUNNING, List.of(system, asked),
                List.of(), RunMetrics.EMPTY, at, List.of(teamStarted));

        Message memberSystem = message(memberRunId, 1, Role.SYSTEM, MEMBER_PROMPT, at.plusMillis(800));
        Message memberAsked = message(memberRunId, 2, Role.USER, task, at.plusMillis(800));
        Message memberAnswered = message(memberRunId, 3, Role.ASSISTANT, facts, at.plusSeconds(4));
        RunStarted memberStarted = new RunStarted(at.plusMillis(800), memberRunId, sessionId, Optional.of(teamRunId),
                MEMBER_ID, MEMBER_NAME, MODEL, PROVIDER);
        RunOutput member = member(memberRunId, teamRunId, sessionId, user, task, "", RunStatus.RUNNING,
                List.of(memberSystem, memberAsked), RunMetrics.EMPTY, at.plusMillis(800), List.of(memberStarted));
        RunOutput memberDone = member(memberRunId, teamRunId, sessionId, user, task, facts, RunStatus.COMPLETED,
                List.of(memberSystem, memberAsked, memberAnswered), memberMetrics, at.plusMillis(800),
                List.of(memberStarted, new RunCompleted(at.plusSeconds(4), memberRunId, sessionId,
                        Optional.of(teamRunId), MEMBER_ID, MEMBER_NAME, facts, RunStatus.COMPLETED, memberMetrics)));

        TeamRunOutput done = team(teamRunId, sessionId, user, input, answer, RunStatus.COMPLETED,
                List.of(system, asked, delegated, result, answered), List.of(finished), teamMetrics, at,
                List.of(teamStarted,
                        new TeamToolCallStarted(at.plusMillis(800), teamRunId, sessionId, Optional.empty(), TEAM_ID,
                                TEAM_NAME, started),
                        new TeamToolCallCompleted(at.plusSeconds(4), teamRunId, sessionId, Optional.empty(), TEAM_ID,
                                TEAM_NAME, finished, facts),
                        new TeamRunCompleted(at.plusSeconds(6), teamRunId, sessionId, Optional.empty(), TEAM_ID,
                                TEAM_NAME, answer, RunStatus.COMPLETED, teamMetrics)))
                .withMemberResponses(List.<RunResult>of(memberDone));
        return new SessionWrites(session, name.orElse(input), running, member, memberDone, done);
    }

    private static void check(boolean accepted, String runId) {
        if (!accepted) {
            throw new AssertionError("the store refused to finish run " + runId);
        }
    }

    private static TeamRunOutput team(String runId, String sessionId, Optional<String> user, String input,
            String content, RunStatus status, List<Message> messages, List<ToolExecution> tools, RunMetrics metrics,
            Instant at, List<dev.cadre.event.RunEvent> events) {
        return new TeamRunOutput(runId, TEAM_ID, TEAM_NAME, sessionId, Optional.empty(), user, new RunInput(input),
                content, status, Optional.empty(), messages, tools, metrics, Optional.of(MODEL), Optional.of(PROVIDER),
                at, events, List.of());
    }

    private static RunOutput member(String runId, String parentRunId, String sessionId, Optional<String> user,
            String task, String content, RunStatus status, List<Message> messages, RunMetrics metrics, Instant at,
            List<dev.cadre.event.RunEvent> events) {
        return new RunOutput(runId, MEMBER_ID, MEMBER_NAME, sessionId, Optional.of(parentRunId), user,
                new RunInput(task), content, status, Optional.empty(), messages, List.of(), metrics,
                Optional.of(MODEL), Optional.of(PROVIDER), at, events);
    }

    private static Message message(String owner, int n, Role role, String content, Instant at) {
        return new Message(owner + "-m" + n, role, content, List.of(), Optional.empty(), Optional.empty(), false, at);
    }

    /**
     * About {@code chars} characters of varied prose, so that stored rows compress like real text
     * and not like one repeated word (PostgreSQL compresses large JSON values).
     */
    static String words(Random r, int chars) {
        StringBuilder b = new StringBuilder(chars + 16);
        while (b.length() < chars) {
            if (!b.isEmpty()) {
                b.append(r.nextInt(14) == 0 ? ". " : " ");
            }
            b.append(VOCABULARY[r.nextInt(VOCABULARY.length)]);
            if (r.nextInt(9) == 0) {
                b.append(' ').append(1_990 + r.nextInt(40));
            }
        }
        return b.toString();
    }
}
