package dev.cadre.examples;

import dev.cadre.model.Model;
import dev.cadre.openai.OpenAIChat;
import dev.cadre.openai.OpenAIResponses;
import dev.cadre.testkit.FakeOpenAIServer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where the examples' models come from. With {@code OPENAI_API_KEY} set: OpenAI. With
 * {@code OPENAI_BASE_URL} set: that OpenAI-compatible server (Ollama, vLLM, LiteLLM...). With
 * neither: a fake OpenAI server started in this process that answers with scripted replies. The
 * real OpenAI client code runs in all three cases.
 */
public final class ExampleModels implements AutoCloseable {

    private final Optional<FakeOpenAIServer> offline;
    private final String description;
    /** Models of another provider, for both seeds' roles, and what to close with them; empty for OpenAI's. */
    private final Optional<Function<String, Model>> other;
    private final AutoCloseable resources;

    private ExampleModels(Optional<FakeOpenAIServer> offline, String description) {
        this.offline = offline;
        this.description = description;
        this.other = Optional.empty();
        this.resources = () -> { };
    }

    private ExampleModels(Function<String, Model> models, String description, AutoCloseable resources) {
        this.offline = Optional.empty();
        this.description = description;
        this.other = Optional.of(models);
        this.resources = resources;
    }

    /**
     * Models of any provider, the same for both seeds' roles (their leaders and members), given their id; {@code
     * resources} (a fake server, say) are closed with them.
     */
    public static ExampleModels of(Function<String, Model> models, String description, AutoCloseable resources) {
        return new ExampleModels(models, description, resources);
    }

    /** Chooses from the environment and says which it chose on {@code out}. */
    public static ExampleModels fromEnvironment(PrintStream out) {
        return fromEnvironment(out, OfflineScripts.Pacing.DEMO);
    }

    public static ExampleModels fromEnvironment(PrintStream out, OfflineScripts.Pacing pacing) {
        String key = System.getenv("OPENAI_API_KEY");
        String baseUrl = System.getenv("OPENAI_BASE_URL");
        ExampleModels models;
        if (key != null && !key.isBlank()) {
            models = new ExampleModels(Optional.empty(), "Models: OpenAI" + (baseUrl != null ? " at " + baseUrl : "")
                    + " (OPENAI_API_KEY is set).");
        } else if (baseUrl != null && !baseUrl.isBlank()) {
            models = new ExampleModels(Optional.empty(), "Models: the OpenAI-compatible server at " + baseUrl + ".");
        } else {
            models = offline(pacing);
        }
        out.println(models.description);
        return models;
    }

    /** Always the offline fake server, whatever the environment says; says so on {@code out}. */
    public static ExampleModels offline(OfflineScripts.Pacing pacing, PrintStream out) {
        ExampleModels models = offline(pacing);
        out.println(models.description);
        return models;
    }

    /** Always the offline fake server, whatever the environment says (for tests). */
    public static ExampleModels offline(OfflineScripts.Pacing pacing) {
        FakeOpenAIServer server = FakeOpenAIServer.start();
        OfflineScripts.install(server, pacing);
        return new ExampleModels(Optional.of(server), "Models: offline. Neither OPENAI_API_KEY nor OPENAI_BASE_URL is "
                + "set, so a fake OpenAI server at " + server.baseUrl() + " answers with scripted replies "
                + "(the real OpenAI client code runs).");
    }

    public String description() {
        return description;
    }

    /** An {@code OpenAIResponses} model, as the first seed uses. */
    public Model responses(String id) {
        if (other.isPresent()) {
            return other.get().apply(id);
        }
        return offline.map(s -> (Model) OpenAIResponses.builder().id(id).apiKey("sk-offline").baseUrl(s.baseUrl())
                        .timeout(Duration.ofMinutes(5)).build())
                .orElseGet(() -> OpenAIResponses.of(id));
    }

    /** An {@code OpenAIChat} model, as the second seed uses. */
    public Model chat(String id) {
        if (other.isPresent()) {
            return other.get().apply(id);
        }
        return offline.map(s -> (Model) OpenAIChat.builder().id(id).apiKey("sk-offline").baseUrl(s.baseUrl())
                        .timeout(Duration.ofMinutes(5)).build())
                .orElseGet(() -> OpenAIChat.of(id));
    }

    @Override
    public void close() {
        offline.ifPresent(FakeOpenAIServer::close);
        try {
            resources.close();
        } catch (Exception e) {
            throw new IllegalStateException("Could not close the models' resources: " + e.getMessage(), e);
        }
    }
}
