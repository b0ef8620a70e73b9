package dev.cadre.db;

import java.time.LocalDate;
import java.util.Optional;

/**
 * Which days {@link Db#usageByDay} reports, and whose activity. Days are UTC days; both ends are inclusive.
 *
 * @param userId when present, only this user's sessions and runs count
 */
public record UsageQuery(Optional<LocalDate> from, Optional<LocalDate> to, Optional<String> userId) {

    public UsageQuery {
        from = from == null ? Optional.empty() : from;
        to = to == null ? Optional.empty() : to;
        userId = userId == null ? Optional.empty() : userId;
        if (from.isPresent() && to.isPresent() && from.get().isAfter(to.get())) {
            throw new IllegalArgumentException("The first day " + from.get() + " is after the last day " + to.get());
        }
    }

    /** Every day, everyone. */
    public static UsageQuery all() {
        return new UsageQuery(Optional.empty(), Optional.empty(), Optional.empty());
    }
}
