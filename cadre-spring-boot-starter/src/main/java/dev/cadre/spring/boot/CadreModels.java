package dev.cadre.spring.boot;

import dev.cadre.model.Model;
import dev.cadre.server.config.CadreConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The models named under {@code cadre.models.<name>}, built once at startup (they open no connection until they are
 * called). Inject it where agents and teams are built: {@code models.get("default")}. Thread-safe.
 */
public final class CadreModels {

    private final Map<String, Model> models;

    private CadreModels(Map<String, Model> models) {
        this.models = Map.copyOf(models);
    }

    /**
     * Builds the models of {@code cadre.models}.
     *
     * @throws CadreSettingException naming the property ({@code cadre.models.<name>.provider}, {@code .id}) that is
     *     missing or wrong
     */
    static CadreModels of(Map<String, CadreProperties.ModelProperties> settings) {
        Map<String, Model> built = new LinkedHashMap<>();
        settings.forEach((name, m) -> {
            String prefix = "cadre.models." + name;
            if (m.id() == null || m.id().isBlank()) {
                throw new CadreSettingException(prefix + ".id", prefix
                        + ".id is missing: the provider's model id, e.g. gpt-5.2-mini");
            }
            if (!CadreConfig.PROVIDERS.contains(m.provider())) {
                throw new CadreSettingException(prefix + ".provider", prefix + ".provider: '" + m.provider()
                        + "' is not one of "
                        + String.join(", ", CadreConfig.PROVIDERS));
            }
            built.put(name, new CadreConfig.ModelConfig(name, m.provider(), m.id(), nonBlank(m.baseUrl()),
                    nonBlank(m.apiKey())).build());
        });
        return new CadreModels(built);
    }

    private static Optional<String> nonBlank(String s) {
        return Optional.ofNullable(s).filter(v -> !v.isBlank());
    }

    /** The model {@code cadre.models.<name>}, if there is one. */
    public Optional<Model> find(String name) {
        return Optional.ofNullable(models.get(name));
    }

    /**
     * The model {@code cadre.models.<name>}.
     *
     * @throws IllegalArgumentException when there is none; the message lists those there are
     */
    public Model get(String name) {
        Model m = models.get(name);
        if (m == null) {
            throw new IllegalArgumentException("No model cadre.models." + name + " is configured; "
                    + (models.isEmpty() ? "there are none (set cadre.models." + name + ".id)"
                            : "there are " + names()));
        }
        return m;
    }

    /** The names configured. */
    public Set<String> names() {
        return new java.util.TreeSet<>(models.keySet());
    }
}
