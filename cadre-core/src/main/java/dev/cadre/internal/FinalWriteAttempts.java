package dev.cadre.internal;

import dev.cadre.db.Db;
import dev.cadre.db.DbException;
import dev.cadre.db.FinalStateJournal;
import dev.cadre.run.RunResult;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tries of {@link FinalWrites} against its store: one write, several written together, and a write kept on
 * disk. What to try when, and in which order, is {@link FinalWrites}'; nothing here waits or retries. Thread-safe.
 */
final class FinalWriteAttempts {

    private static final Logger LOG = LoggerFactory.getLogger(FinalWrites.class);

    private final Db store;
    private final String owner;

    FinalWriteAttempts(Db store, String owner) {
        this.store = store;
        this.owner = owner;
    }

    /** One try of writes together; empty when the store did not take them (each is then tried on its own). */
    Optional<List<RunResult>> together(List<FinalWrite> writes) {
        List<RunResult> states = writes.stream().map(w -> w.state).toList();
        try {
            List<Boolean> accepted = store.finishRuns(states, owner);
            List<RunResult> held = new ArrayList<>(states.size());
            for (int i = 0; i < states.size(); i++) {
                RunResult state = states.get(i);
                held.add(accepted.get(i) ? state
                        : store.getRun(state.runId()).filter(r -> r.status().isTerminal()).orElse(state));
            }
            return Optional.of(held);
        } catch (RuntimeException e) {
            LOG.debug("Could not write the final states of runs {} together ({}); writing each on its own",
                    states.stream().map(RunResult::runId).toList(), e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * One try. Returns what the store holds once {@code w} is settled (stored, or it can never be), empty when it
     * must be tried again. The caller completes {@link FinalWrite#stored}, after forgetting the
     * write: whoever waits on it must find nothing of it left.
     */
    Optional<RunResult> attempt(FinalWrite w) {
        int attempt = w.attempts.incrementAndGet();
        try {
            return Optional.of(store.finishRun(w.state, owner) ? w.state
                    : store.getRun(w.runId()).filter(r -> r.status().isTerminal()).orElse(w.state));
        } catch (DbException e) {
            w.lastFailure = e;
            if (e.kind() == DbException.Kind.NOT_FOUND) {
                // The run's row is gone (its session was deleted while it ran): there is nothing left to write into.
                LOG.warn("The final state ({}) of run {} was not written: the store has no such run any more ({})",
                        w.state.status(), w.runId(), e.getMessage());
                return Optional.of(w.state);
            }
            if (attempt == 1) {
                LOG.warn("Could not write the final state ({}) of run {}: {} Keeping it and retrying until the store "
                        + "takes it.", w.state.status(), w.runId(), e.getMessage());
            } else {
                LOG.debug("Attempt {} to write the final state of run {} failed: {}", attempt, w.runId(),
                        e.getMessage());
            }
            return Optional.empty();
        } catch (RuntimeException e) {
            // Not a store failure (a bug, or a driver throwing what it should not): keep retrying all the same.
            w.lastFailure = new DbException(DbException.Kind.FAILED, String.valueOf(e.getMessage()), e);
            LOG.error("Writing the final state of run {} failed unexpectedly; retrying", w.runId(), e);
            return Optional.empty();
        }
    }

    /** Keeps {@code w} on disk, if the store has a journal, so that it survives this process. */
    void keep(FinalWrite w) {
        Optional<FinalStateJournal> journal = store.journal();
        if (journal.isEmpty()) {
            return;
        }
        try {
            w.keptIn = journal.get().keep(w.state, owner,
                    w.lastFailure == null ? "a member was still waiting" : w.lastFailure.getMessage());
        } catch (UncheckedIOException e) {
            LOG.error("Could not keep the final state of run {} on disk either: {}", w.runId(), e.getMessage());
        }
    }
}
