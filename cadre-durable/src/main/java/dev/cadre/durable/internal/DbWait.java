package dev.cadre.durable.internal;

import dev.cadre.db.Db;
import dev.cadre.db.DbException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits out an outage of the database for work that failed before it did anything: a run taken up (its row claimed,
 * its cancel requests read), a member run started (its row inserted), a run's opening step (its session's history
 * read). While the database is unreachable Cadre's calls fail at once; in a durable run such a failure must not
 * become the run's end — DBOS would record it, and the run would end {@code ERROR}, or not at all — so the work is
 * done again once the database answers. Only {@link DbException.Kind#UNAVAILABLE} is waited out: other failures
 * are the work's. Not API.
 */
final class DbWait {

    private static final Logger LOG = LoggerFactory.getLogger(DbWait.class);
    /** How often the database is asked whether it answers again (it fails at once until then). */
    private static final long PROBE_MS = 250;

    private final Db db;

    DbWait(Db db) {
        this.db = db;
    }

    /**
     * {@code work}'s value; done again, once the database answers, each time it fails because the database is
     * unreachable. Gives up with that failure when the calling thread is interrupted meanwhile (its run is let go
     * of or cancelled), its interrupt set again.
     */
    <T> T patiently(Supplier<T> work) {
        return patiently(work, () -> true);
    }

    /**
     * {@link #patiently(Supplier)}, doing the work again only while {@code mayRedo} says it did nothing that must
     * not be done twice; else its failure is thrown.
     */
    <T> T patiently(Supplier<T> work, java.util.function.BooleanSupplier mayRedo) {
        boolean told = false;
        while (true) {
            try {
                return work.get();
            } catch (DbException e) {
                if (e.kind() != DbException.Kind.UNAVAILABLE || !mayRedo.getAsBoolean()) {
                    throw e;
                }
                if (!told) {
                    LOG.warn("A durable run waits for its database ({}); it goes on when the database answers again",
                            e.getMessage());
                    told = true;
                }
                if (!awaitAnswer()) {
                    throw e;
                }
            }
        }
    }

    /** Waits until the database answers; false when interrupted first. */
    private boolean awaitAnswer() {
        while (true) {
            try {
                Thread.sleep(PROBE_MS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return false;
            }
            try {
                db.ping();
                return true;
            } catch (DbException e) {
                if (e.kind() != DbException.Kind.UNAVAILABLE) {
                    return true; // it answers, with another problem: the work finds out which
                }
            }
        }
    }
}
