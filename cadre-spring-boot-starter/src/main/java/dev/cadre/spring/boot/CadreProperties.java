package dev.cadre.spring.boot;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Cadre's settings under {@code cadre.*}. A setting left out is {@code null} in the record (Spring's binding);
 * read it through the {@code Optional} accessors ({@link #store()}, {@link #configFile()}).
 *
 * @param db the store, in the forms of {@code cadre run --db}: {@code sqlite:cadre.db},
 *     {@code jdbc:postgresql://host:5432/db?user=u}, {@code postgresql://u:p@host:5432/db} or {@code memory}. Left out:
 *     the application's {@code DataSource} when it is PostgreSQL's, else the {@code db:} of {@link #config}, else an
 *     in-memory store that keeps nothing
 * @param config a {@code cadre.yaml} (the format {@code cadre serve --config} reads) whose agents and teams become
 *     beans
 * @param models models by name: {@code cadre.models.<name>.provider}, {@code .id}, {@code .api-key}, {@code .base-url}
 * @param shutdown what happens to runs when the application context closes
 * @param server the AgentOS HTTP API, on a port of its own
 */
@ConfigurationProperties(prefix = "cadre")
public record CadreProperties(String db, Path config, Map<String, ModelProperties> models,
        @DefaultValue Shutdown shutdown, @DefaultValue Server server) {

    public CadreProperties {
        models = models == null ? Map.of() : Map.copyOf(models);
    }

    /** {@link #db}, when it is set and not blank. */
    public Optional<String> store() {
        return Optional.ofNullable(db).filter(s -> !s.isBlank());
    }

    /** {@link #config}, when it is set. */
    public Optional<Path> configFile() {
        return Optional.ofNullable(config);
    }

    /**
     * One model.
     *
     * @param provider {@code openai-responses} (the default), {@code openai-chat}, {@code anthropic} or {@code gemini}
     * @param id the provider's model id, such as {@code gpt-5.2-mini}
     * @param apiKey the API key; left out, the provider's environment variable ({@code OPENAI_API_KEY}, ...)
     * @param baseUrl the API's URL, for an OpenAI-compatible server or a proxy; left out, the provider's
     */
    public record ModelProperties(@DefaultValue("openai-responses") String provider, String id, String apiKey,
            String baseUrl) {
    }

    /**
     * @param grace how long a closing context waits for runs to end before it cancels the rest
     */
    public record Shutdown(@DefaultValue("30s") Duration grace) {
    }

    /**
     * The AgentOS HTTP API ({@code CadreServer}) serving every {@code Agent} and {@code Team} bean.
     *
     * @param enabled whether to serve it
     * @param host the address to listen on
     * @param port its own port (0 picks a free one)
     * @param securityKey the bearer key clients must send; left out, none is required
     */
    public record Server(@DefaultValue("false") boolean enabled, @DefaultValue("127.0.0.1") String host,
            @DefaultValue("7777") int port, String securityKey) {
    }
}
