package dev.cadre.openai.internal;

import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.ReasoningEffort;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.completions.CompletionUsage;
import dev.cadre.model.Message;
import dev.cadre.model.ModelDelta;
import dev.cadre.model.ModelRequest;
import dev.cadre.model.ModelResponse;
import dev.cadre.model.ToolCall;
import dev.cadre.model.ToolDefinition;
import dev.cadre.model.Usage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** Maps Cadre's model types to and from the SDK's Chat Completions types. Not public API. */
public final class ChatMapping {

    private ChatMapping() {
    }

    public static ChatCompletionCreateParams params(Settings s, ModelRequest request, boolean stream) {
        ChatCompletionCreateParams.Builder b = ChatCompletionCreateParams.builder().model(s.id());
        for (Message m : request.messages()) {
            switch (m.role()) {
                case SYSTEM -> b.addSystemMessage(m.content());
                case USER -> b.addUserMessage(m.content());
                case ASSISTANT -> {
                    ChatCompletionAssistantMessageParam.Builder a = ChatCompletionAssistantMessageParam.builder();
                    if (!m.content().isEmpty() || m.toolCalls().isEmpty()) {
                        a.content(m.content());
                    }
                    for (ToolCall call : m.toolCalls()) {
                        a.addToolCall(ChatCompletionMessageToolCall.ofFunction(
                                ChatCompletionMessageFunctionToolCall.builder().id(call.id())
                                        .function(ChatCompletionMessageFunctionToolCall.Function.builder()
                                                .name(call.name()).arguments(call.arguments()).build())
                                        .build()));
                    }
                    b.addMessage(a.build());
                }
                case TOOL -> b.addMessage(ChatCompletionToolMessageParam.builder()
                        .toolCallId(m.toolCallId().orElse("")).content(m.content()).build());
            }
        }
        for (ToolDefinition tool : request.tools()) {
            b.addTool(ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
                    .name(tool.name()).description(tool.description())
                    .parameters(FunctionParameters.builder()
                            .additionalProperties(SdkClient.schema(tool.parameters())).build())
                    .build()).build());
        }
        if (!request.tools().isEmpty()) {
            s.parallelToolCalls().ifPresent(b::parallelToolCalls);
        }
        request.outputSchema().ifPresent(o -> b.responseFormat(ResponseFormatJsonSchema.builder()
                .jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder().name(o.name())
                        .schema(ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                                .additionalProperties(SdkClient.schema(SdkClient.wireSchema(o))).build())
                        .strict(o.strictCompatible()).build())
                .build()));
        s.temperature().ifPresent(b::temperature);
        s.topP().ifPresent(b::topP);
        s.maxOutputTokens().ifPresent(b::maxCompletionTokens);
        s.reasoningEffort().ifPresent(e -> b.reasoningEffort(ReasoningEffort.of(e)));
        seed(b, s);
        s.user().ifPresent(b::safetyIdentifier);
        if (!s.stop().isEmpty()) {
            b.stopOfStrings(s.stop());
        }
        if (stream) {
            b.streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build());
        }
        return b.build();
    }

    /** OpenAI deprecated {@code seed}, but compatible servers (vLLM, Ollama, llama.cpp) still honour it. */
    @SuppressWarnings("deprecation")
    private static void seed(ChatCompletionCreateParams.Builder b, Settings s) {
        s.seed().ifPresent(b::seed);
    }

    /**
     * Hands the deltas of one chunk to {@code deltas}.
     *
     * @return whether the chunk finished the turn (carried a {@code finish_reason})
     */
    public static boolean deliver(ChatCompletionChunk chunk, Consumer<ModelDelta> deltas) {
        boolean finished = false;
        for (ChatCompletionChunk.Choice choice : chunk.choices()) {
            if (choice.index() != 0) {
                continue;
            }
            ChatCompletionChunk.Choice.Delta delta = choice.delta();
            delta.content().filter(c -> !c.isEmpty()).ifPresent(c -> deltas.accept(new ModelDelta.Text(c)));
            // A refusal is what the model said instead of an answer: the user should see it.
            delta.refusal().filter(r -> !r.isEmpty()).ifPresent(r -> deltas.accept(new ModelDelta.Text(r)));
            for (ChatCompletionChunk.Choice.Delta.ToolCall call : delta.toolCalls().orElse(List.of())) {
                Optional<ChatCompletionChunk.Choice.Delta.ToolCall.Function> fn = call.function();
                deltas.accept(new ModelDelta.ToolCallFragment((int) call.index(), call.id(),
                        fn.flatMap(ChatCompletionChunk.Choice.Delta.ToolCall.Function::name),
                        fn.flatMap(ChatCompletionChunk.Choice.Delta.ToolCall.Function::arguments).orElse("")));
            }
            finished |= choice.finishReason().isPresent();
        }
        chunk.usage().ifPresent(u -> deltas.accept(new ModelDelta.UsageReport(usage(u))));
        return finished;
    }

    /**
     * What a completion says about itself, as Agno keeps it for Chat Completions: its {@code id} and,
     * when given, its {@code system_fingerprint}. Empty when the server gave no id.
     */
    public static Map<String, String> providerData(String id, Optional<String> systemFingerprint) {
        Map<String, String> data = new LinkedHashMap<>();
        if (!id.isEmpty()) {
            data.put("id", id);
            systemFingerprint.filter(f -> !f.isEmpty()).ifPresent(f -> data.put("system_fingerprint", f));
        }
        return data;
    }

    /** The provider data of a streamed chunk (every chunk of a completion carries the same). */
    public static ModelDelta.ProviderData providerData(ChatCompletionChunk chunk) {
        return new ModelDelta.ProviderData(providerData(id(chunk::id), chunk.systemFingerprint()));
    }

    /** A completion's id; empty when a compatible server left it out (the SDK then refuses to read it). */
    public static String id(java.util.function.Supplier<String> id) {
        try {
            return id.get();
        } catch (com.openai.errors.OpenAIInvalidDataException missing) {
            return "";
        }
    }

    public static ModelResponse response(ChatCompletion completion) {
        Map<String, String> provided = providerData(id(completion::id), completion.systemFingerprint());
        if (completion.choices().isEmpty()) {
            return new ModelResponse("", List.of(), completion.usage().map(ChatMapping::usage).orElse(Usage.NONE),
                    provided);
        }
        ChatCompletionMessage message = completion.choices().get(0).message();
        List<ToolCall> calls = new ArrayList<>();
        for (ChatCompletionMessageToolCall call : message.toolCalls().orElse(List.of())) {
            if (call.isFunction()) {
                ChatCompletionMessageFunctionToolCall f = call.asFunction();
                calls.add(new ToolCall(f.id(), f.function().name(), f.function().arguments()));
            }
        }
        String text = message.content().filter(c -> !c.isEmpty()).or(message::refusal).orElse("");
        return new ModelResponse(text, calls,
                completion.usage().map(ChatMapping::usage).orElse(Usage.NONE), provided);
    }

    static Usage usage(CompletionUsage u) {
        long cached = u.promptTokensDetails().flatMap(CompletionUsage.PromptTokensDetails::cachedTokens).orElse(0L);
        long reasoning = u.completionTokensDetails()
                .flatMap(CompletionUsage.CompletionTokensDetails::reasoningTokens).orElse(0L);
        return new Usage(u.promptTokens(), u.completionTokens(), u.totalTokens(), cached, reasoning);
    }
}
