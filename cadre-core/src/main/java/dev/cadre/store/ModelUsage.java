package dev.cadre.store;

import java.util.Objects;

/**
 * The tokens one model used in a session's finished runs.
 *
 * @param modelId the model's id as the runs recorded it, for example {@code gpt-5.2-mini}; empty for runs that
 *     recorded no model
 * @param provider the model's provider as the runs recorded it, for example {@code OpenAI}; empty when unknown
 */
public record ModelUsage(String modelId, String provider, TokenCounts tokens) {

    public ModelUsage {
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(tokens, "tokens");
    }
}
