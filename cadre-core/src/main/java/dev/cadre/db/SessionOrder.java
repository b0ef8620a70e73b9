package dev.cadre.db;

import java.util.Objects;

/**
 * The order of a session listing: by creation or by last update, either way. Sessions with the same time are
 * ordered by session id so that a listing is a total order and paging through it never repeats or skips a
 * session: newest first lists ties by ascending id, oldest first by descending id — an ascending listing is
 * exactly the descending one reversed.
 */
public record SessionOrder(Key key, boolean ascending) {

    /** What sessions are ordered by. */
    public enum Key {
        CREATED_AT, UPDATED_AT
    }

    /** Newest first by creation: the default. */
    public static final SessionOrder NEWEST_FIRST = new SessionOrder(Key.CREATED_AT, false);

    public SessionOrder {
        Objects.requireNonNull(key, "key");
    }
}
