package dev.cadre.server.internal;

import dev.cadre.Component;
import dev.cadre.Team;
import dev.cadre.model.Model;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The provider names AgentOS writes in usage details. A run records its model's provider ({@code OpenAI}), as
 * AgentOS's runs and daily metrics do too; but AgentOS names a model's provider in per-model usage after the
 * model class, and its Responses API model calls itself {@code OpenAI Responses} there. The server knows its
 * components' models, so it can tell a run's model apart by id and provider. Immutable; thread-safe.
 */
final class ModelLabels {

    private static final String RESPONSES_CLASS = "OpenAIResponses";

    /** {@code id NUL provider} → the label, for the models that are unambiguous. */
    private final Map<String, String> labels;

    ModelLabels(Stream<? extends Component<?>> components) {
        Map<String, String> found = new HashMap<>();
        Map<String, Boolean> clash = new HashMap<>();
        components.flatMap(ModelLabels::withMembers).forEach(c -> c.model().ifPresent(m -> {
            String key = key(m.id(), m.provider());
            String label = label(m);
            String before = found.putIfAbsent(key, label);
            if (before != null && !before.equals(label)) {
                clash.put(key, true); // two kinds of model with the same id and provider: leave it as recorded
            }
        }));
        clash.keySet().forEach(found::remove);
        this.labels = Map.copyOf(found);
    }

    private static Stream<Component<?>> withMembers(Component<?> c) {
        return c instanceof Team t ? Stream.concat(Stream.of(c), t.members().stream().flatMap(ModelLabels::withMembers))
                : Stream.of(c);
    }

    private static String label(Model m) {
        return RESPONSES_CLASS.equals(m.name()) ? m.provider() + " Responses" : m.provider();
    }

    private static String key(String id, String provider) {
        return id + "\u0000" + provider;
    }

    /** The provider as AgentOS writes it in usage details, for a run's recorded model id and provider. */
    String provider(String modelId, String recordedProvider) {
        Objects.requireNonNull(recordedProvider, "recordedProvider");
        return labels.getOrDefault(key(modelId, recordedProvider), recordedProvider);
    }
}
