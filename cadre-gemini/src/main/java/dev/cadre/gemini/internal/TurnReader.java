package dev.cadre.gemini.internal;

import com.google.genai.types.Candidate;
import com.google.genai.types.FunctionCall;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.GenerateContentResponseUsageMetadata;
import com.google.genai.types.Part;
import dev.cadre.model.ModelDelta;
import dev.cadre.model.ModelException;
import dev.cadre.model.ToolCall;
import dev.cadre.model.Usage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Reads the {@code GenerateContentResponse}s of one turn — the chunks of a stream, or the one body of a
 * non-streamed call — into Cadre's deltas. Thought parts become {@link ModelDelta.Reasoning}, text parts
 * {@link ModelDelta.Text}, each function call one whole {@link ModelDelta.ToolCallFragment} (Gemini sends
 * calls whole); a call's thought signature is remembered for the next turn. Gemini repeats the usage so far
 * on every chunk, so only the last is reported, once, at the {@link #end}. One reader per attempt; not
 * thread-safe. Not public API.
 */
public final class TurnReader {

    /** Finish reasons that mean Gemini withheld the answer. */
    private static final Set<String> BLOCKED = Set.of("SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT",
            "SPII", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT");

    private final String baseUrl;
    private final ThoughtSignatures signatures;
    private final Consumer<ModelDelta> deltas;
    private Optional<GenerateContentResponseUsageMetadata> usage = Optional.empty();
    private Optional<String> finishReason = Optional.empty();
    private boolean named;
    private boolean answered;
    private int calls;

    public TurnReader(String baseUrl, ThoughtSignatures signatures, Consumer<ModelDelta> deltas) {
        this.baseUrl = baseUrl;
        this.signatures = signatures;
        this.deltas = deltas;
    }

    /** Hands on what one response (chunk) holds; throws when Gemini blocked the prompt. */
    public void read(GenerateContentResponse response) {
        if (!named && response.responseId().isPresent()) {
            named = true;
            Map<String, String> data = new LinkedHashMap<>();
            data.put("response_id", response.responseId().get());
            response.modelVersion().ifPresent(v -> data.put("model_version", v));
            deltas.accept(new ModelDelta.ProviderData(data));
        }
        response.promptFeedback().flatMap(f -> f.blockReason()).ifPresent(reason -> {
            throw new ModelException("Gemini blocked the prompt (blockReason " + reason + "). Rephrase the request "
                    + "or adjust the safety settings.", "content_filter", null);
        });
        response.usageMetadata().ifPresent(u -> usage = Optional.of(u));
        List<Candidate> candidates = response.candidates().orElse(List.of());
        if (candidates.isEmpty()) {
            return;
        }
        Candidate candidate = candidates.get(0);
        for (Part part : candidate.content().flatMap(c -> c.parts()).orElse(List.of())) {
            if (part.functionCall().isPresent()) {
                call(part.functionCall().get(), part.thoughtSignature());
            } else if (part.text().isPresent() && !part.text().get().isEmpty()) {
                if (part.thought().orElse(false)) {
                    deltas.accept(new ModelDelta.Reasoning(part.text().get()));
                } else {
                    answered = true;
                    deltas.accept(new ModelDelta.Text(part.text().get()));
                }
            }
        }
        candidate.finishReason().map(Object::toString).ifPresent(r -> finishReason = Optional.of(r));
    }

    private void call(FunctionCall fc, Optional<byte[]> signature) {
        String name = fc.name().orElse("");
        String id = fc.id().filter(s -> !s.isEmpty())
                .orElseGet(() -> RequestMapping.LOCAL_ID_PREFIX + UUID.randomUUID().toString().replace("-", ""));
        String args = Json.write(fc.args().orElse(Map.of()));
        signature.ifPresent(s -> signatures.remember(new ToolCall(id, name, args), s));
        answered = true;
        deltas.accept(ModelDelta.ToolCallFragment.whole(calls++, id, name, args));
    }

    /**
     * Ends the turn: reports the usage and checks that the answer was complete.
     *
     * @throws ModelException when no {@code finishReason} came (a cut stream) or Gemini withheld the answer
     */
    public void end() {
        usage.ifPresent(u -> deltas.accept(new ModelDelta.UsageReport(usage(u))));
        if (finishReason.isEmpty()) {
            throw new ModelException("The stream from Gemini at " + baseUrl
                    + " ended before the answer was complete (no finishReason).", "incomplete_stream", null);
        }
        String reason = finishReason.get();
        if (!answered && BLOCKED.contains(reason)) {
            throw new ModelException("Gemini withheld the answer (finishReason " + reason + "). Rephrase the "
                    + "request or adjust the safety settings.", "content_filter", null);
        }
        if (reason.equals("MALFORMED_FUNCTION_CALL") && calls == 0) {
            throw new ModelException("Gemini wrote a malformed function call (finishReason MALFORMED_FUNCTION_CALL)."
                    + " Simplify the tools' schemas or try again.", "malformed_response", null);
        }
    }

    /** Whether anything of the answer (text or a call) was handed on; a stream that has is not retried. */
    public boolean answered() {
        return answered;
    }

    /**
     * Gemini's counts as Cadre's: output is the answer's tokens plus the thoughts' (as OpenAI counts reasoning
     * into output tokens), input includes the cached tokens.
     */
    static Usage usage(GenerateContentResponseUsageMetadata u) {
        long prompt = u.promptTokenCount().orElse(0) + u.toolUsePromptTokenCount().orElse(0);
        long thoughts = u.thoughtsTokenCount().orElse(0);
        long output = u.candidatesTokenCount().orElse(0) + thoughts;
        long total = u.totalTokenCount().map(Integer::longValue).orElse(prompt + output);
        return new Usage(prompt, output, total, u.cachedContentTokenCount().orElse(0), thoughts);
    }
}
