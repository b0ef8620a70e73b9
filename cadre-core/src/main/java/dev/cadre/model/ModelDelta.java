package dev.cadre.model;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** One piece of a streamed assistant turn. */
public sealed interface ModelDelta {

    /** A piece of the assistant's text. */
    record Text(String text) implements ModelDelta {
        public Text {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * A piece of the model's visible reasoning (Anthropic's extended thinking, Gemini's thought summaries):
     * kept apart from the answer, streamed as {@code reasoning_content}.
     */
    record Reasoning(String text) implements ModelDelta {
        public Reasoning {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * A fragment of a tool call. Fragments with the same {@code index} belong to the same call; the
     * first usually carries the id and name, later ones only pieces of the JSON arguments.
     */
    record ToolCallFragment(int index, Optional<String> id, Optional<String> name, String argumentsDelta)
            implements ModelDelta {
        public ToolCallFragment {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(argumentsDelta, "argumentsDelta");
        }

        /** A whole tool call in one fragment. */
        public static ToolCallFragment whole(int index, String id, String name, String arguments) {
            return new ToolCallFragment(index, Optional.of(id), Optional.of(name), arguments);
        }
    }

    /**
     * What the provider says about the response as a whole, for example its id
     * ({@code response_id}). Several are merged; a later value for a key replaces an earlier one.
     */
    record ProviderData(Map<String, String> data) implements ModelDelta {
        public ProviderData {
            data = ModelResponse.copyProviderData(data);
        }

        public static ProviderData of(String key, String value) {
            return new ProviderData(Map.of(key, value));
        }
    }

    /** Token usage for the turn, usually sent once at the end. Several are added up. */
    record UsageReport(Usage usage) implements ModelDelta {
        public UsageReport {
            Objects.requireNonNull(usage, "usage");
        }
    }
}
