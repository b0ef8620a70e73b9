package dev.cadre.openai;

import dev.cadre.model.Model;
import dev.cadre.testkit.FakeOpenAIServer;
import java.util.function.Function;

/** Both model classes, so every behaviour is specified once and checked for each API. */
enum Models {
    CHAT(s -> OpenAIChat.builder().id("gpt-4o").apiKey("sk-test").baseUrl(s.baseUrl()).build()),
    RESPONSES(s -> OpenAIResponses.builder().id("gpt-5.2-mini").apiKey("sk-test").baseUrl(s.baseUrl()).build());

    private final Function<FakeOpenAIServer, Model> factory;

    Models(Function<FakeOpenAIServer, Model> factory) {
        this.factory = factory;
    }

    Model against(FakeOpenAIServer server) {
        return factory.apply(server);
    }

    /** The same model with other options, built on the right builder. */
    Model against(FakeOpenAIServer server, int maxRetries) {
        return switch (this) {
            case CHAT -> OpenAIChat.builder().id("gpt-4o").apiKey("sk-test").baseUrl(server.baseUrl())
                    .maxRetries(maxRetries).build();
            case RESPONSES -> OpenAIResponses.builder().id("gpt-5.2-mini").apiKey("sk-test")
                    .baseUrl(server.baseUrl()).maxRetries(maxRetries).build();
        };
    }

    String id() {
        return this == CHAT ? "gpt-4o" : "gpt-5.2-mini";
    }

    /** The key of the response's id in provider data: Agno's {@code id} for Chat, {@code response_id} for Responses. */
    String responseIdKey() {
        return this == CHAT ? "id" : "response_id";
    }

    /** What Agno keeps of a response: Chat's id and system fingerprint, the Responses API's id. */
    String[] providerDataKeys() {
        return this == CHAT ? new String[] {"id", "system_fingerprint"} : new String[] {"response_id"};
    }

    /** How Agno names this API in a run's per-model metrics. */
    String metricsProvider() {
        return this == CHAT ? "OpenAI Chat" : "OpenAI Responses";
    }

    /** How the fake server's ids of this API begin. */
    String responseIdPrefix() {
        return this == CHAT ? "chatcmpl-" : "resp_";
    }
}
