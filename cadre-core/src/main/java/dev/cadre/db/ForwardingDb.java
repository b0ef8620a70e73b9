package dev.cadre.db;

import dev.cadre.run.RunResult;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link Db} that forwards every call to another, for decorators: override what you watch, time, or (in
 * tests) break, as in
 *
 * <pre>{@code
 * Db counting = new ForwardingDb(db) {
 *     public List<RunResult> listRuns(String sessionId) {
 *         reads.increment();
 *         return super.listRuns(sessionId);
 *     }
 * };
 * }</pre>
 *
 * <p>{@link #finishRuns} is not forwarded: it writes each end through this decorator's {@link #finishRun(RunResult,
 * String)}, one after another, so that an override of {@code finishRun} sees every run's end. A decorator that
 * overrides neither may forward {@code finishRuns} too, keeping the delegate's one transaction.
 *
 * <p>Thread-safe as far as the delegate is. {@link #close()} closes the delegate.
 */
public class ForwardingDb implements Db {

    private final Db delegate;

    public ForwardingDb(Db delegate) {
        this.delegate = java.util.Objects.requireNonNull(delegate, "delegate");
    }

    /** The store calls are forwarded to. */
    protected final Db delegate() {
        return delegate;
    }

    @Override
    public String id() {
        return delegate.id();
    }

    @Override
    public void saveSession(SessionRecord session) {
        delegate.saveSession(session);
    }

    @Override
    public boolean createSession(SessionRecord session) {
        return delegate.createSession(session);
    }

    @Override
    public Optional<SessionRecord> getSession(String sessionId) {
        return delegate.getSession(sessionId);
    }

    @Override
    public Page<SessionRecord> listSessions(SessionQuery query) {
        return delegate.listSessions(query);
    }

    @Override
    public Optional<SessionRecord> updateSession(String sessionId, SessionUpdate update) {
        return delegate.updateSession(sessionId, update);
    }

    @Override
    public boolean renameSession(String sessionId, String name) {
        return delegate.renameSession(sessionId, name);
    }

    @Override
    public boolean deleteSession(String sessionId) {
        return delegate.deleteSession(sessionId);
    }

    @Override
    public int deleteSessions(Collection<String> sessionIds, Optional<String> ownedBy) {
        return delegate.deleteSessions(sessionIds, ownedBy);
    }

    @Override
    public void insertRun(RunResult run, String ownerInstanceId) {
        delegate.insertRun(run, ownerInstanceId);
    }

    @Override
    public void startRun(SessionRecord session, RunResult run, String ownerInstanceId) {
        delegate.startRun(session, run, ownerInstanceId);
    }

    @Override
    public boolean updateRun(RunResult run) {
        return delegate.updateRun(run);
    }

    @Override
    public boolean updateRun(RunResult run, String ownerInstanceId) {
        return delegate.updateRun(run, ownerInstanceId);
    }

    @Override
    public boolean finishRun(RunResult run) {
        return delegate.finishRun(run);
    }

    @Override
    public boolean finishRun(RunResult run, String ownerInstanceId) {
        return delegate.finishRun(run, ownerInstanceId);
    }

    @Override
    public Optional<RunResult> claimRun(String runId, String ownerInstanceId) {
        return delegate.claimRun(runId, ownerInstanceId);
    }

    @Override
    public Optional<String> runOwner(String runId) {
        return delegate.runOwner(runId);
    }

    @Override
    public void declareDurable(String instanceId) {
        delegate.declareDurable(instanceId);
    }

    @Override
    public Optional<RunResult> getRun(String runId) {
        return delegate.getRun(runId);
    }

    @Override
    public List<RunResult> listRuns(String sessionId) {
        return delegate.listRuns(sessionId);
    }

    @Override
    public Page<RunResult> listRecentRuns(RunQuery query) {
        return delegate.listRecentRuns(query);
    }

    @Override
    public List<RunSummary> recentRunSummaries(RunQuery filter, Instant since, int limit) {
        return delegate.recentRunSummaries(filter, since, limit);
    }

    @Override
    public Map<String, String> runOwners(Collection<String> runIds) {
        return delegate.runOwners(runIds);
    }

    @Override
    public Optional<RunResult> requestCancel(String runId, String reason) {
        return delegate.requestCancel(runId, reason);
    }

    @Override
    public Map<String, String> cancelRequests(String ownerInstanceId) {
        return delegate.cancelRequests(ownerInstanceId);
    }

    @Override
    public List<DailyUsage> usageByDay(UsageQuery query) {
        return delegate.usageByDay(query);
    }

    @Override
    public void heartbeat(String instanceId) {
        delegate.heartbeat(instanceId);
    }

    @Override
    public Optional<java.time.Instant> lastHeartbeat(String instanceId) {
        return delegate.lastHeartbeat(instanceId);
    }

    @Override
    public List<String> failOrphanedRuns(Duration staleAfter, String reason) {
        return delegate.failOrphanedRuns(staleAfter, reason);
    }

    @Override
    public void ping() {
        delegate.ping();
    }

    @Override
    public Optional<FinalStateJournal> journal() {
        return delegate.journal();
    }

    @Override
    public Optional<dev.cadre.memory.MemoryStore> memories() {
        return delegate.memories();
    }

    @Override
    public void close() {
        delegate.close();
    }
}

