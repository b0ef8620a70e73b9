package dev.cadre.db;

import dev.cadre.run.ModelMetrics;
import dev.cadre.run.RunMetrics;
import dev.cadre.run.RunResult;
import dev.cadre.run.RunStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Objects;

/**
 * The tokens one model used in a session's finished runs.
 *
 * @param modelId the model's id, for example {@code gpt-5.2-mini}; empty for runs that recorded no model
 * @param provider the provider as the runs' per-model metrics name it, for example {@code OpenAI Responses} (for
 *     runs without per-model metrics, the run's recorded provider, for example {@code OpenAI}); empty when unknown
 */
public record ModelUsage(String modelId, String provider, TokenCounts tokens) {

    public ModelUsage {
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(tokens, "tokens");
    }

    /** What {@code run} adds to its session's usage. */
    public static List<ModelUsage> countedFor(RunResult run) {
        return countedFor(run.status(), run.model(), run.modelProvider(), run.metrics());
    }

    /**
     * What a run adds to its session's usage: nothing until it has ended; then its metrics' per-model details
     * ({@code details.model}, as AgentOS adds up a session's metrics), or — for a run whose metrics have no
     * details — its totals under its recorded model and provider. Models with no tokens count nothing.
     */
    public static List<ModelUsage> countedFor(RunStatus status, Optional<String> model, Optional<String> provider,
            RunMetrics metrics) {
        if (!status.isTerminal()) {
            return List.of();
        }
        Map<List<String>, TokenCounts> byModel = new LinkedHashMap<>();
        List<ModelMetrics> details = metrics.details().getOrDefault(RunMetrics.MODEL, List.of());
        if (details.isEmpty()) {
            byModel.put(List.of(model.orElse(""), provider.orElse("")), TokenCounts.of(metrics));
        } else {
            for (ModelMetrics m : details) {
                byModel.merge(List.of(m.id(), m.provider()), TokenCounts.of(m), TokenCounts::plus);
            }
        }
        List<ModelUsage> out = new ArrayList<>();
        byModel.forEach((k, t) -> {
            if (!t.isZero()) {
                out.add(new ModelUsage(k.get(0), k.get(1), t));
            }
        });
        return out;
    }
}
