package dev.cadre.cli.demo;

import dev.cadre.anthropic.AnthropicModel;
import dev.cadre.examples.ExampleModels;
import dev.cadre.examples.OfflineScripts;
import dev.cadre.gemini.GeminiModel;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The demo's models on a provider other than OpenAI ({@code --provider anthropic|gemini}): the provider's API with
 * its key from the environment, or — without a key, or with {@code --offline} — cadre-testkit's fake server of that
 * provider answering the same scripted replies, so the provider's real SDK code path runs either way.
 */
public final class ProviderModels {

    /** The providers {@code --provider} takes. */
    public static final List<String> NAMES = List.of("openai", "anthropic", "gemini");

    private ProviderModels() {
    }

    /** The model id the seeds use on {@code provider} when {@code --model} is not given. */
    public static Optional<String> defaultModel(String provider) {
        return switch (provider) {
            case "anthropic" -> Optional.of("claude-sonnet-4-5");
            case "gemini" -> Optional.of("gemini-2.5-flash");
            default -> Optional.empty();
        };
    }

    /**
     * The models of {@code provider} (not {@code openai}), said on {@code out}.
     *
     * @throws IllegalArgumentException for a provider not in {@link #NAMES}
     */
    public static ExampleModels of(String provider, boolean offline, OfflineScripts.Pacing pacing, PrintStream out) {
        ExampleModels models = switch (provider.toLowerCase(Locale.ROOT)) {
            case "anthropic" -> anthropic(offline || blank("ANTHROPIC_API_KEY"), pacing);
            case "gemini" -> gemini(offline || (blank("GEMINI_API_KEY") && blank("GOOGLE_API_KEY")), pacing);
            default -> throw new IllegalArgumentException("--provider must be one of " + String.join(", ", NAMES)
                    + ", not '" + provider + "'");
        };
        out.println(models.description());
        return models;
    }

    private static ExampleModels anthropic(boolean offline, OfflineScripts.Pacing pacing) {
        if (!offline) {
            return ExampleModels.of(AnthropicModel::of, "Models: Anthropic (ANTHROPIC_API_KEY is set).", () -> { });
        }
        dev.cadre.testkit.FakeAnthropicServer server = dev.cadre.testkit.FakeAnthropicServer.start();
        server.dispatcher(OfflineScripts.dispatcher(pacing));
        return ExampleModels.of(id -> AnthropicModel.builder().id(id).apiKey("sk-ant-offline").baseUrl(server.baseUrl())
                        .timeout(Duration.ofMinutes(5)).build(),
                "Models: offline Anthropic. A fake Anthropic server at " + server.baseUrl() + " answers with scripted "
                        + "replies (the real Anthropic client code runs).", server);
    }

    private static ExampleModels gemini(boolean offline, OfflineScripts.Pacing pacing) {
        if (!offline) {
            return ExampleModels.of(GeminiModel::of, "Models: Gemini (GEMINI_API_KEY is set).", () -> { });
        }
        dev.cadre.testkit.FakeGeminiServer server = dev.cadre.testkit.FakeGeminiServer.start();
        var scripts = OfflineScripts.dispatcher(pacing);
        server.dispatcher(request -> dev.cadre.testkit.GeminiReply.of(scripts.apply(request)));
        return ExampleModels.of(id -> GeminiModel.builder().id(id).apiKey("offline-key").baseUrl(server.baseUrl())
                        .timeout(Duration.ofMinutes(5)).build(),
                "Models: offline Gemini. A fake Gemini server at " + server.baseUrl() + " answers with scripted "
                        + "replies (the real Gen AI client code runs).", server);
    }

    private static boolean blank(String variable) {
        String v = System.getenv(variable);
        return v == null || v.isBlank();
    }
}
