package dev.cadre.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cadre.model.Usage;
import java.util.Objects;

/**
 * The tokens a run spent on one model, as in Agno's {@code metrics.details}. Zero counts are left out
 * of the JSON.
 *
 * @param id the model's id, for example {@code gpt-5.2-mini}
 * @param provider the provider and API, for example {@code OpenAI Responses}
 */
@JsonInclude(JsonInclude.Include.NON_DEFAULT)
public record ModelMetrics(
        long inputTokens,
        long outputTokens,
        long totalTokens,
        long cacheReadTokens,
        long cacheWriteTokens,
        long reasoningTokens,
        String id,
        String provider) {

    public ModelMetrics {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(provider, "provider");
    }

    public static ModelMetrics of(String id, String provider, Usage u) {
        return new ModelMetrics(u.inputTokens(), u.outputTokens(), u.totalTokens(), u.cacheReadTokens(),
                u.cacheWriteTokens(), u.reasoningTokens(), id, provider);
    }

    /** These counts plus {@code more}'s, for the same model. */
    public ModelMetrics plus(Usage more) {
        return new ModelMetrics(inputTokens + more.inputTokens(), outputTokens + more.outputTokens(),
                totalTokens + more.totalTokens(), cacheReadTokens + more.cacheReadTokens(),
                cacheWriteTokens + more.cacheWriteTokens(), reasoningTokens + more.reasoningTokens(), id, provider);
    }
}
