package dev.cadre.db;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import dev.cadre.run.RunFailure;
import dev.cadre.run.TeamRunOutput;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A {@link Db} that keeps everything in this process's memory: for tests, examples and runs
 * that need no durability. Same behaviour as the database stores, including the terminal
 * compare-and-set; everything is lost when the process ends.
 *
 * <p>Thread-safe: every method holds one lock for its whole duration.
 */
public final class InMemoryDb implements Db {

    private final String id;
    private final Clock clock;
    private final Map<String, SessionRecord> sessions = new HashMap<>();
    /** Runs in insertion order, each without member responses (those are rows of their own). */
    private final Map<String, StoredRun> runs = new LinkedHashMap<>();
    private final Map<String, Instant> heartbeats = new HashMap<>();
    /** Instances that execute durable runs: their peers resume them, the sweep leaves their runs alone. */
    private final java.util.Set<String> durable = new java.util.HashSet<>();
    private final dev.cadre.memory.InMemoryMemoryStore memories;

    public InMemoryDb() {
        this("in-memory-" + UUID.randomUUID().toString().substring(0, 8), Clock.systemUTC());
    }

    public InMemoryDb(String id, Clock clock) {
        this.id = id;
        this.clock = clock;
        this.memories = new dev.cadre.memory.InMemoryMemoryStore(clock);
    }

    /** Its user memories, kept like the rest: in this process's memory. */
    @Override
    public Optional<dev.cadre.memory.MemoryStore> memories() {
        return Optional.of(memories);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public synchronized void saveSession(SessionRecord session) {
        StoredText.checkId("session id", session.sessionId());
        session.userId().ifPresent(u -> StoredText.checkId("user id", u));
        SessionRecord existing = sessions.get(session.sessionId());
        if (existing == null) {
            sessions.put(session.sessionId(), new SessionRecord(session.sessionId(), session.type(),
                    session.componentId(), session.userId(), session.name().map(StoredText::clean),
                    session.createdAt(), session.updatedAt()));
            return;
        }
        Instant updated = session.updatedAt().isAfter(existing.updatedAt()) ? session.updatedAt() : existing.updatedAt();
        sessions.put(session.sessionId(), new SessionRecord(existing.sessionId(), existing.type(),
                existing.componentId(), existing.userId().or(session::userId), existing.name(), existing.createdAt(),
                updated, existing.firstInput(), existing.sessionState(), existing.metadata(), existing.summary(),
                SessionUsage.EMPTY));
    }

    @Override
    public synchronized boolean createSession(SessionRecord session) {
        StoredText.checkId("session id", session.sessionId());
        session.userId().ifPresent(u -> StoredText.checkId("user id", u));
        session.name().ifPresent(n -> StoredText.checkText("session name", n));
        checkJson(session.sessionState(), session.metadata(), session.summary());
        if (sessions.containsKey(session.sessionId())) {
            return false;
        }
        sessions.put(session.sessionId(), new SessionRecord(session.sessionId(), session.type(),
                session.componentId(), session.userId(), session.name(), session.createdAt(), session.updatedAt(),
                Optional.empty(), session.sessionState(), session.metadata(), session.summary(), SessionUsage.EMPTY));
        return true;
    }

    private static void checkJson(ObjectNode state, Optional<ObjectNode> metadata, Optional<ObjectNode> summary) {
        StoredText.checkJson("session_state", state);
        metadata.ifPresent(m -> StoredText.checkJson("metadata", m));
        summary.ifPresent(m -> StoredText.checkJson("summary", m));
    }

    @Override
    public synchronized Optional<SessionRecord> getSession(String sessionId) {
        return Optional.ofNullable(sessions.get(sessionId)).map(this::withUsage);
    }

    @Override
    public synchronized Page<SessionRecord> listSessions(SessionQuery query) {
        Optional<String> needle = query.nameContains().map(SessionQuery::fold);
        List<SessionRecord> matching = sessions.values().stream()
                .filter(s -> query.type().map(t -> t == s.type()).orElse(true))
                .filter(s -> query.componentId().map(c -> c.equals(s.componentId())).orElse(true))
                .filter(s -> query.userId().map(u -> s.userId().map(u::equals).orElse(false)).orElse(true))
                .filter(s -> needle.map(n -> s.name().map(SessionQuery::fold).filter(f -> f.contains(n)).isPresent())
                        .orElse(true))
                .sorted(order(query.order()))
                .toList();
        List<SessionRecord> page = matching.stream().skip(query.offset()).limit(query.limit()).map(this::withUsage)
                .toList();
        return new Page<>(page, query.page(), query.limit(), matching.size());
    }

    /** Newest first with ties by ascending id; oldest first is exactly its reverse. */
    private static Comparator<SessionRecord> order(SessionOrder order) {
        Comparator<SessionRecord> byTime = Comparator.comparing(order.key() == SessionOrder.Key.UPDATED_AT
                ? SessionRecord::updatedAt : SessionRecord::createdAt);
        Comparator<SessionRecord> newestFirst = byTime.reversed().thenComparing(SessionRecord::sessionId);
        return order.ascending() ? newestFirst.reversed() : newestFirst;
    }

    private SessionRecord withUsage(SessionRecord s) {
        List<RunResult> own = runs.values().stream().map(r -> r.run).filter(r -> r.sessionId().equals(s.sessionId()))
                .toList();
        return s.withUsage(InMemoryUsage.of(own));
    }

    @Override
    public synchronized Optional<SessionRecord> updateSession(String sessionId, SessionUpdate update) {
        update.name().ifPresent(n -> StoredText.checkText("session name", n));
        checkJson(update.sessionState().orElse(null), update.metadata(), update.summary());
        SessionRecord s = sessions.get(sessionId);
        if (s == null) {
            return Optional.empty();
        }
        sessions.put(sessionId, s.updated(update, clock.instant()));
        return getSession(sessionId);
    }

    @Override
    public synchronized boolean renameSession(String sessionId, String name) {
        SessionRecord s = sessions.get(sessionId);
        if (s == null) {
            return false;
        }
        sessions.put(sessionId, s.withName(StoredText.checkText("session name", name)));
        return true;
    }

    @Override
    public synchronized boolean deleteSession(String sessionId) {
        if (sessions.remove(sessionId) == null) {
            return false;
        }
        runs.values().removeIf(r -> r.run.sessionId().equals(sessionId));
        return true;
    }

    @Override
    public synchronized int deleteSessions(Collection<String> sessionIds, Optional<String> ownedBy) {
        int deleted = 0;
        for (String id : new java.util.LinkedHashSet<>(sessionIds)) {
            SessionRecord s = sessions.get(id);
            if (s != null && (ownedBy.isEmpty() || ownedBy.equals(s.userId())) && deleteSession(id)) {
                deleted++;
            }
        }
        return deleted;
    }

    @Override
    public synchronized List<DailyUsage> usageByDay(UsageQuery query) {
        return InMemoryUsage.byDay(query, sessions.values(),
                runs.values().stream().map(r -> new InMemoryUsage.Written(r.run, r.updatedAt)).toList());
    }

    /** As the SQL stores' one transaction: a run that would be refused is refused before its session is saved. */
    @Override
    public synchronized void startRun(SessionRecord session, RunResult run, String ownerInstanceId) {
        StoredText.checkId("run id", run.runId());
        if (runs.containsKey(run.runId())) {
            insertRun(run, ownerInstanceId); // its CONFLICT
        }
        saveSession(session);
        insertRun(run, ownerInstanceId);
    }

    @Override
    public synchronized void insertRun(RunResult run, String ownerInstanceId) {
        StoredText.checkId("run id", run.runId());
        if (runs.containsKey(run.runId())) {
            throw new DbException(DbException.Kind.CONFLICT, "A run with id " + run.runId()
                    + " exists already; run ids must be unique.");
        }
        SessionRecord session = sessions.get(run.sessionId());
        if (session == null) {
            throw new DbException(DbException.Kind.NOT_FOUND, "Session " + run.sessionId()
                    + " does not exist; save the session before its runs.");
        }
        runs.put(run.runId(), new StoredRun(stored(run), ownerInstanceId, clock.instant(), Optional.empty()));
        if (run.parentRunId().isEmpty() && session.firstInput().isEmpty()) {
            sessions.put(session.sessionId(), new SessionRecord(session.sessionId(), session.type(),
                    session.componentId(), session.userId(), session.name(), session.createdAt(), session.updatedAt(),
                    Optional.of(StoredText.clean(run.input().inputContent())), session.sessionState(),
                    session.metadata(), session.summary(), SessionUsage.EMPTY));
        }
    }

    @Override
    public synchronized boolean updateRun(RunResult run) {
        return replaceIfNotTerminal(run, null);
    }

    @Override
    public synchronized boolean updateRun(RunResult run, String ownerInstanceId) {
        return replaceIfNotTerminal(run, ownerInstanceId);
    }

    @Override
    public synchronized boolean finishRun(RunResult run) {
        return finishRun(run, null);
    }

    @Override
    public synchronized boolean finishRun(RunResult run, String ownerInstanceId) {
        if (!run.status().isTerminal()) {
            throw new IllegalArgumentException("finishRun needs a terminal status, got " + run.status());
        }
        return replaceIfNotTerminal(run, ownerInstanceId);
    }

    /** The compare-and-set; {@code owner}, when given, may also replace the orphan sweep's verdict on its run. */
    private boolean replaceIfNotTerminal(RunResult run, String owner) {
        StoredRun stored = runs.get(run.runId());
        if (stored == null) {
            throw new DbException(DbException.Kind.NOT_FOUND, "No run with id " + run.runId()
                    + "; insert it before updating it.");
        }
        if (stored.run.status().isTerminal() && !(owner != null && owner.equals(stored.owner) && sweptAsOrphan(stored))) {
            return false;
        }
        runs.put(run.runId(), new StoredRun(stored(run), stored.owner, clock.instant(), stored.cancelRequest));
        touchSession(run.sessionId());
        return true;
    }

    private static boolean sweptAsOrphan(StoredRun r) {
        return r.run.status() == RunStatus.ERROR
                && r.run.error().map(e -> e.type().equals(ORPHAN_ERROR_TYPE)).orElse(false);
    }

    private void touchSession(String sessionId) {
        SessionRecord s = sessions.get(sessionId);
        if (s != null) {
            sessions.put(sessionId, new SessionRecord(s.sessionId(), s.type(), s.componentId(), s.userId(), s.name(),
                    s.createdAt(), clock.instant(), s.firstInput(), s.sessionState(), s.metadata(), s.summary(),
                    SessionUsage.EMPTY));
        }
    }

    @Override
    public synchronized Optional<String> runOwner(String runId) {
        return Optional.ofNullable(runs.get(runId)).map(r -> r.owner);
    }

    @Override
    public synchronized Optional<RunResult> claimRun(String runId, String ownerInstanceId) {
        StoredRun r = runs.get(runId);
        if (r == null) {
            return Optional.empty();
        }
        if (!r.run.status().isTerminal()) {
            runs.put(runId, new StoredRun(r.run, ownerInstanceId, clock.instant(), r.cancelRequest));
        }
        return Optional.of(withMembers(r.run));
    }

    @Override
    public synchronized Optional<RunResult> getRun(String runId) {
        return Optional.ofNullable(runs.get(runId)).map(r -> withMembers(r.run));
    }

    @Override
    public synchronized List<RunResult> listRuns(String sessionId) {
        List<RunResult> out = new ArrayList<>();
        for (StoredRun r : runs.values()) {
            if (r.run.sessionId().equals(sessionId) && r.run.parentRunId().isEmpty()) {
                out.add(withMembers(r.run));
            }
        }
        return out;
    }

    @Override
    public synchronized Page<RunResult> listRecentRuns(RunQuery query) {
        List<RunResult> matching = new ArrayList<>();
        for (StoredRun r : runs.values()) {
            if (query.matches(r.run)) {
                matching.add(r.run);
            }
        }
        List<RunResult> newestFirst = matching.reversed();
        int from = Math.min(query.offset(), newestFirst.size());
        int to = Math.min(from + query.limit(), newestFirst.size());
        return new Page<>(newestFirst.subList(from, to), query.page(), query.limit(), newestFirst.size());
    }

    @Override
    public synchronized Optional<RunResult> requestCancel(String runId, String reason) {
        StoredRun r = runs.get(runId);
        if (r == null) {
            return Optional.empty();
        }
        if (!r.run.status().isTerminal() && r.cancelRequest.isEmpty()) {
            runs.put(runId, new StoredRun(r.run, r.owner, r.updatedAt, Optional.of(reason)));
        }
        return Optional.of(withMembers(r.run));
    }

    @Override
    public synchronized Map<String, String> cancelRequests(String ownerInstanceId) {
        Map<String, String> out = new LinkedHashMap<>();
        for (StoredRun r : runs.values()) {
            if (r.cancelRequest.isPresent() && !r.run.status().isTerminal() && ownerInstanceId.equals(r.owner)) {
                out.put(r.run.runId(), r.cancelRequest.get());
            }
        }
        return out;
    }

    @Override
    public synchronized void heartbeat(String instanceId) {
        heartbeats.put(instanceId, clock.instant());
    }

    @Override
    public synchronized Optional<Instant> lastHeartbeat(String instanceId) {
        return Optional.ofNullable(heartbeats.get(instanceId));
    }

    @Override
    public synchronized void declareDurable(String instanceId) {
        durable.add(instanceId);
    }

    @Override
    public synchronized List<String> failOrphanedRuns(Duration staleAfter, String reason) {
        Instant cutoff = clock.instant().minus(staleAfter);
        List<String> ended = new ArrayList<>();
        for (var e : runs.entrySet()) {
            StoredRun r = e.getValue();
            if (r.run.status().isTerminal()) {
                continue;
            }
            Instant beat = heartbeats.get(r.owner);
            if ((beat == null || beat.isBefore(cutoff)) && !durable.contains(r.owner)) {
                // A run someone asked to cancel ends as they asked; any other orphan failed.
                RunResult failed = r.cancelRequest.isPresent() ? r.run.withStatus(RunStatus.CANCELLED, Optional.empty())
                        : r.run.withStatus(RunStatus.ERROR, Optional.of(new RunFailure(ORPHAN_ERROR_TYPE, reason)));
                e.setValue(new StoredRun(failed, r.owner, clock.instant(), r.cancelRequest));
                ended.add(e.getKey());
            }
        }
        return ended;
    }

    private RunResult withMembers(RunResult run) {
        if (!(run instanceof TeamRunOutput team)) {
            return run;
        }
        List<RunResult> members = new ArrayList<>();
        for (StoredRun r : runs.values()) {
            if (r.run.parentRunId().filter(run.runId()::equals).isPresent()) {
                members.add(withMembers(r.run));
            }
        }
        return team.withMemberResponses(members);
    }

    /** The run as kept: without its members (rows of their own), its text made storable. */
    private static RunResult stored(RunResult run) {
        RunResult own = run instanceof TeamRunOutput team ? team.withMemberResponses(List.of()) : run;
        return StoredText.clean(own);
    }

    /** @param cancelRequest the reason of a cancel someone asked for, for the owner to carry out */
    private record StoredRun(RunResult run, String owner, Instant updatedAt, Optional<String> cancelRequest) {
    }
}
