package dev.cadre.db;

import java.util.Comparator;
import java.util.List;

/**
 * What a session's finished runs used, per model: every run of the session counts (a team run and its member
 * runs alike) once it has ended ({@code COMPLETED}, {@code ERROR} or {@code CANCELLED}); a run still in progress
 * counts when it ends. Stores keep this up to date as runs end, so that a listing shows it without reading runs.
 *
 * @param models one entry per model and provider, ordered by model id then provider
 */
public record SessionUsage(List<ModelUsage> models) {

    // Before EMPTY: the constructor sorts with it.
    private static final Comparator<ModelUsage> ORDER = Comparator.comparing(ModelUsage::modelId)
            .thenComparing(ModelUsage::provider);

    public static final SessionUsage EMPTY = new SessionUsage(List.of());

    public SessionUsage {
        models = models.stream().filter(m -> !m.tokens().isZero()).sorted(ORDER).toList();
    }

    /** The tokens of all models together. */
    public TokenCounts tokens() {
        return models.stream().map(ModelUsage::tokens).reduce(TokenCounts.ZERO, TokenCounts::plus);
    }
}
