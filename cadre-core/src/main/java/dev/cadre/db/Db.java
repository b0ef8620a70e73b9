package dev.cadre.db;

import dev.cadre.run.RunResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where sessions and runs are kept: one record per session and one per run (team runs and member
 * runs alike; member runs point at their team run through {@code parentRunId}).
 *
 * <p>Implementations are thread-safe and must never lose a run when several runs of one session
 * are written at once. Every method either does what it says or throws {@link DbException} with
 * a message that says what went wrong and what to do; no failure is swallowed.
 *
 * <p><b>Terminal statuses are final.</b> {@link #updateRun} and {@link #finishRun} only change a run
 * whose stored status is not terminal (a compare-and-set), so a late {@code COMPLETED} can never
 * overwrite {@code CANCELLED}. The one exception is the orphan sweep's guess: a run it ended as
 * {@code ERROR} ({@value #ORPHAN_ERROR_TYPE}) because its process looked dead may still be written by
 * that process ({@link #updateRun(RunResult, String)}, {@link #finishRun(RunResult, String)}) — a
 * process that was alive but could not beat its heartbeat (during a database outage, say) keeps its
 * runs.
 *
 * <p><b>Text.</b> Stores accept and refuse text as {@link StoredText} says, the same on every store.
 *
 * <p><b>Failures.</b> A {@link DbException}'s {@link DbException#kind() kind} says whether the
 * call may succeed later ({@code UNAVAILABLE}); while a database is known to be unreachable, calls
 * fail at once rather than each waiting for a connection timeout.
 */
public interface Db extends AutoCloseable {

    /** {@code error_type} of the runs the orphan sweep ended. */
    String ORPHAN_ERROR_TYPE = "orphaned_run";

    /** A stable id for this store, shown by the HTTP API as {@code db_id}. */
    String id();

    // ---- sessions ------------------------------------------------------------------------------

    /**
     * Creates the session if it does not exist; otherwise moves its {@code updatedAt} forward (and
     * sets its user id if it had none). Never changes the session's type, component or name.
     */
    void saveSession(SessionRecord session);

    /**
     * Creates a session, with the name, state and metadata it carries, unless a session with its id exists
     * (then nothing changes). Its first input and usage are the store's to fill in.
     *
     * @return {@code false} when a session with that id exists already
     * @throws IllegalArgumentException when an id or a text is not storable ({@link StoredText})
     */
    boolean createSession(SessionRecord session);

    /**
     * Starts a top-level run: saves its session ({@link #saveSession}) and inserts the run ({@link #insertRun}) as
     * one write. On the SQL stores both are one transaction: accepting a run costs one commit, and no session is
     * saved for a run that could not be inserted. Fails as {@link #insertRun} does. The default makes the two calls.
     *
     * @throws DbException when the store cannot be written; {@code CONFLICT} for a run id that exists already
     */
    default void startRun(SessionRecord session, RunResult run, String ownerInstanceId) {
        saveSession(session);
        insertRun(run, ownerInstanceId);
    }

    /** The session with its {@link SessionRecord#usage() usage}. */
    Optional<SessionRecord> getSession(String sessionId);

    /**
     * Sessions matching the query, in its order, each with its usage. A page costs a constant number of
     * statements, whatever the number of runs its sessions have.
     */
    Page<SessionRecord> listSessions(SessionQuery query);

    /**
     * Applies {@code update} to a session and moves its {@code updatedAt} to now.
     *
     * @return the session as it is now, or empty when there is no such session
     * @throws IllegalArgumentException when a text is not storable ({@link StoredText})
     */
    Optional<SessionRecord> updateSession(String sessionId, SessionUpdate update);

    /** Renames a session; returns {@code false} when there is no such session. */
    boolean renameSession(String sessionId, String name);

    /** Deletes a session and all its runs; returns {@code false} when there is no such session. */
    boolean deleteSession(String sessionId);

    /**
     * Deletes the sessions with these ids, with all their runs, in one transaction; ids of no session are
     * skipped.
     *
     * @param ownedBy when present, only sessions of this user are deleted; the others are left alone
     * @return how many sessions were deleted
     */
    int deleteSessions(Collection<String> sessionIds, Optional<String> ownedBy);

    // ---- runs ------------------------------------------------------------------------------------

    /**
     * Writes a new run (status {@code PENDING} or {@code RUNNING}) owned by the process
     * {@code ownerInstanceId}. The run's session must have been saved first.
     *
     * @throws DbException when a run with that id exists already, or the write fails
     */
    void insertRun(RunResult run, String ownerInstanceId);

    /**
     * Replaces the stored state of a run that is not yet terminal, for example to move it from
     * {@code PENDING} to {@code RUNNING} or to record progress.
     *
     * @return {@code false} when the stored run is already terminal (nothing was written)
     * @throws DbException when the run does not exist or the write fails
     */
    boolean updateRun(RunResult run);

    /**
     * {@link #updateRun(RunResult)} by the process that owns the run: it also replaces a state the
     * orphan sweep wrote for a run of {@code ownerInstanceId} (the process was alive after all), so the
     * run is {@code RUNNING} again. Stores that cannot tell owners apart behave as {@code updateRun(run)}.
     */
    default boolean updateRun(RunResult run, String ownerInstanceId) {
        return updateRun(run);
    }

    /**
     * Writes a run's terminal state, unless the stored run is already terminal. For a team run the
     * member runs are not written here: each member run is finished on its own.
     *
     * @return {@code true} when this write was accepted; {@code false} when another terminal status
     *     was stored first (nothing was written)
     * @throws DbException when the run does not exist or the write fails
     */
    boolean finishRun(RunResult run);

    /**
     * {@link #finishRun(RunResult)} by the process that owns the run: it also replaces the
     * {@code ERROR} the orphan sweep wrote for a run of {@code ownerInstanceId}, with the run's real
     * end. Stores that cannot tell owners apart behave as {@code finishRun(run)}.
     */
    default boolean finishRun(RunResult run, String ownerInstanceId) {
        return finishRun(run);
    }

    /**
     * {@link #finishRun(RunResult, String)} for several runs at once — a cancelled team run's members, then the team
     * run — so that their ends reach the store together: stores that can write them in one transaction do, one
     * commit instead of one per run. The runs are written in the order given (members before their team).
     *
     * <p>The default writes them one after another through {@link #finishRun(RunResult, String)}; when that throws,
     * the runs before were written and those from there on were not.
     *
     * @return for each run, in order, what {@link #finishRun(RunResult, String)} would have returned
     * @throws DbException when a run does not exist or the write fails; some of the others may have been written
     *     then (the caller writes each again on its own: an end written already is not written twice)
     */
    default List<Boolean> finishRuns(List<RunResult> runs, String ownerInstanceId) {
        List<Boolean> accepted = new ArrayList<>(runs.size());
        for (RunResult run : runs) {
            accepted.add(finishRun(run, ownerInstanceId));
        }
        return List.copyOf(accepted);
    }

    /**
     * Takes over a run that an earlier execution left unfinished — its process died, and a durable executor
     * executes it again here: a run that is not terminal gets {@code ownerInstanceId} as its owner (its cancel
     * requests and the orphan sweep's liveness check are then that process's). A terminal run is left as it is.
     *
     * @return the run as stored after the claim, as {@link #getRun} returns it; empty when there is no such run
     * @throws DbException when the store cannot be read or written
     */
    Optional<RunResult> claimRun(String runId, String ownerInstanceId);

    /**
     * The instance id of the process that owns the run: the one that accepted it, or took it over last
     * ({@link #claimRun}) — while the run is not terminal, the one executing it (or about to). Empty when there
     * is no such run or the store does not keep owners.
     *
     * @throws DbException when the store cannot be read
     */
    default Optional<String> runOwner(String runId) {
        return Optional.empty();
    }

    /**
     * Records that the process {@code instanceId} executes durable runs: when it dies its runs are resumed by
     * other durable processes, so the orphan sweep of any process sharing the store leaves them alone
     * ({@link #failOrphanedRuns} ends none of them). Stores without a sweep ignore it.
     *
     * @throws DbException when the store cannot be written
     */
    default void declareDurable(String instanceId) {
    }

    /**
     * One run by id. A team run comes back with its member runs (and theirs, for nested teams) in
     * {@code memberResponses}, in the order they started.
     */
    Optional<RunResult> getRun(String runId);

    /** The top-level runs of a session (not member runs), oldest first, each with its members. */
    List<RunResult> listRuns(String sessionId);

    /**
     * The top-level runs (not member runs) of all sessions that match the query, newest first — in the reverse of
     * the order they were inserted — paged. Each comes without its member runs ({@link #getRun} has them), so a
     * page costs a constant number of statements.
     *
     * @throws DbException when the store cannot be read
     */
    Page<RunResult> listRecentRuns(RunQuery query);

    /**
     * The top-level runs that pass {@code filter} (its page ignored) and started at or after {@code since}, newest
     * first, at most {@code limit} of them, each as its status, start and duration only: a chart of a busy hour
     * reads no messages or events. The default reads {@link #listRecentRuns} page by page, newest first, until a
     * run started before {@code since}; stores override it with one query.
     *
     * @throws IllegalArgumentException when {@code limit} is not positive
     * @throws DbException when the store cannot be read
     */
    default List<RunSummary> recentRunSummaries(RunQuery filter, Instant since, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be 1 or more, was " + limit);
        }
        List<RunSummary> out = new java.util.ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>(); // a run started meanwhile shifts the pages by one
        for (int page = 1; ; page++) {
            Page<RunResult> read = listRecentRuns(filter.withPage(page, 1000));
            for (RunResult r : read.items()) {
                if (r.createdAt().isBefore(since) || out.size() == limit) {
                    return out;
                }
                if (seen.add(r.runId())) {
                    out.add(new RunSummary(r.runId(), r.status(), r.createdAt(), r.metrics().duration()));
                }
            }
            if (page >= read.totalPages()) {
                return out;
            }
        }
    }

    /**
     * The owners of the given runs ({@link #runOwner}) in one read: a map from run id to owner, without the runs
     * that do not exist or have no owner. The default asks {@link #runOwner} for each.
     *
     * @throws DbException when the store cannot be read
     */
    default Map<String, String> runOwners(Collection<String> runIds) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String id : runIds) {
            runOwner(id).ifPresent(owner -> out.put(id, owner));
        }
        return out;
    }

    // ---- cancel requests -------------------------------------------------------------------------

    /**
     * Records a request to cancel a run that is not yet terminal, for the process that owns it: that
     * process finds it through {@link #cancelRequests(String)} and ends the run itself — its partial answer
     * kept, its members stopped, its terminal event stored with it. Nothing else in the stored run changes
     * (not its status, not its content), so the canceller never overwrites what the owner wrote. A second
     * request for the same run keeps the first one's reason.
     *
     * <p>When the owner's process is dead, the orphan sweep ends a run with a cancel request
     * {@code CANCELLED} (keeping the content last stored for it) rather than {@code ERROR}.
     *
     * @return the run as stored when asked: empty when there is no such run; a terminal run is returned
     *     as it is, and no request is recorded for it
     * @throws DbException when the store cannot be read or written
     */
    Optional<RunResult> requestCancel(String runId, String reason);

    /**
     * The cancel requests recorded for runs owned by the process {@code ownerInstanceId} that are not yet
     * terminal: run id → the request's reason. Asked by the owner at every heartbeat, so it is one cheap query.
     *
     * @throws DbException when the store cannot be read
     */
    Map<String, String> cancelRequests(String ownerInstanceId);

    // ---- usage -----------------------------------------------------------------------------------------

    /**
     * What happened on each UTC day of the query's range that saw any sessions or finished runs, oldest day
     * first, as {@link DailyUsage} counts it. Days without activity are left out. Computed from the stored
     * sessions and runs when asked (in the database, for database stores), so it is always current.
     */
    List<DailyUsage> usageByDay(UsageQuery query);

    // ---- process liveness ------------------------------------------------------------------------

    /** Records that the process {@code instanceId} is alive now. */
    void heartbeat(String instanceId);

    /**
     * When the process {@code instanceId} last recorded its heartbeat; empty when it never did here (or was
     * forgotten, long after its last run ended). Compare it with the store's staleness limit to tell a dead
     * process from a live one.
     *
     * @throws DbException when the store cannot be read
     */
    java.util.Optional<java.time.Instant> lastHeartbeat(String instanceId);

    /**
     * Ends as {@code ERROR}, with {@code reason} as message, every run that is not yet terminal
     * ({@code PENDING}, {@code RUNNING} or {@code PAUSED}) and whose owner process has not sent a heartbeat for
     * {@code staleAfter}. Runs of live processes are not touched. A run with a cancel request
     * ({@link #requestCancel}) ends {@code CANCELLED} instead, keeping the content last stored for it.
     *
     * @return the ids of the runs it ended
     */
    List<String> failOrphanedRuns(Duration staleAfter, String reason);

    // ---- user memories ---------------------------------------------------------------------------

    /**
     * Where this store keeps user memories; empty when it keeps none (then components with user memories write
     * none, and say so in the log). The stores Cadre ships keep them.
     */
    default Optional<dev.cadre.memory.MemoryStore> memories() {
        return Optional.empty();
    }

    // ---- health and safety -----------------------------------------------------------------------

    /**
     * Checks that the store can take calls now, quickly: while a database is known to be
     * unreachable it fails at once.
     *
     * @throws DbException when it cannot ({@link DbException.Kind#UNAVAILABLE} when that may pass)
     */
    default void ping() {
    }

    /**
     * Where final states this store could not take are kept across a restart, if it keeps them (see
     * {@link FinalStateJournal}); a store with a journal replays it when it opens.
     */
    default Optional<FinalStateJournal> journal() {
        return Optional.empty();
    }

    /** Releases connections and files. The store is unusable afterwards. */
    @Override
    default void close() {
    }
}
