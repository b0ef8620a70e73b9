package dev.cadre.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.cadre.json.CadreJson;
import dev.cadre.model.OutputSchema;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks a model's final answer against the run's output schema: it must be JSON (a Markdown code fence around
 * it is tolerated, as models add one), valid against the schema, and — for a record type — readable as that
 * record. A failure names the field, so the one corrective turn can tell the model what to fix and a run that
 * still fails says what was wrong.
 */
final class StructuredAnswers {

    /** The outcome of a check. */
    sealed interface Check {
        /** The answer passed; {@code json} is it, compact, without any fence. */
        record Passed(String json) implements Check {
        }

        /** The answer failed; {@code problem} says where and how. */
        record Failed(String problem) implements Check {
        }
    }

    private static final Pattern FENCE = Pattern.compile("\\A\\s*```[A-Za-z]*\\s*\\n(.*?)\\n?\\s*```\\s*\\z",
            Pattern.DOTALL);
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final int CACHED = 256;
    private static final Map<JsonNode, Schema> COMPILED = new ConcurrentHashMap<>();

    private StructuredAnswers() {
    }

    static Check check(OutputSchema schema, Optional<Class<?>> type, String answer) {
        ObjectMapper json = CadreJson.structuredMapper();
        String text = unfenced(answer);
        JsonNode value;
        try {
            value = json.readTree(text);
        } catch (JsonProcessingException e) {
            return new Check.Failed("the answer is not JSON (" + e.getOriginalMessage() + ")");
        }
        if (value == null || value.isMissingNode()) {
            return new Check.Failed("the answer is empty, where a JSON object was expected");
        }
        List<Error> errors = compiled(schema).validate(value);
        if (!errors.isEmpty()) {
            return new Check.Failed(errors.stream().limit(3).map(StructuredAnswers::describe)
                    .collect(Collectors.joining("; ")) + (errors.size() > 3 ? "; and " + (errors.size() - 3)
                    + " more" : ""));
        }
        if (type.isPresent()) {
            try {
                json.treeToValue(value, type.get());
            } catch (JsonProcessingException | IllegalArgumentException e) {
                return new Check.Failed("the answer does not fit " + type.get().getSimpleName() + ": "
                        + (e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage()));
            }
        }
        return new Check.Passed(value.toString());
    }

    /** What the corrective turn tells the model. */
    static String correction(OutputSchema schema, Check.Failed failed) {
        return "Your answer did not match the required JSON schema '" + schema.name() + "': " + failed.problem()
                + ". Answer again with only a JSON object that matches the schema, and nothing else.";
    }

    private static String describe(Error e) {
        String at = e.getInstanceLocation() == null ? "" : e.getInstanceLocation().toString();
        String message = e.getMessage() == null ? String.valueOf(e) : e.getMessage();
        return at.isEmpty() || message.startsWith(at) ? message : at + ": " + message;
    }

    private static Schema compiled(OutputSchema schema) {
        Schema found = COMPILED.get(schema.schema());
        if (found != null) {
            return found;
        }
        if (COMPILED.size() >= CACHED) {
            COMPILED.clear(); // many per-run schemas: keep the cache bounded, compiling again is cheap enough
        }
        return COMPILED.computeIfAbsent(schema.schema(), SCHEMAS::getSchema);
    }

    private static String unfenced(String answer) {
        Matcher m = FENCE.matcher(answer);
        return m.matches() ? m.group(1) : answer;
    }
}
