package dev.cadre.model;

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

    /** Token usage for the turn, usually sent once at the end. Several are added up. */
    record UsageReport(Usage usage) implements ModelDelta {
        public UsageReport {
            Objects.requireNonNull(usage, "usage");
        }
    }
}
