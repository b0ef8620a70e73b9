package dev.cadre.openai.internal;

import com.openai.errors.OpenAIInvalidDataException;
import com.openai.models.Reasoning;
import com.openai.models.ReasoningEffort;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseOutputMessage;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.ResponseUsage;
import com.openai.models.responses.ResponseFormatTextJsonSchemaConfig;
import com.openai.models.responses.ResponseTextConfig;
import dev.cadre.model.Message;
import dev.cadre.model.ModelDelta;
import dev.cadre.model.ModelException;
import dev.cadre.model.ModelRequest;
import dev.cadre.model.ModelResponse;
import dev.cadre.model.ToolCall;
import dev.cadre.model.ToolDefinition;
import dev.cadre.model.Usage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** Maps Cadre's model types to and from the SDK's Responses API types. Not public API. */
public final class ResponsesMapping {

    private ResponsesMapping() {
    }

    /**
     * The request. System messages become {@code instructions}; the rest of the conversation is sent
     * in full each time (stateless: no {@code previous_response_id}), tool calls and their results
     * as {@code function_call} and {@code function_call_output} items.
     */
    public static ResponseCreateParams params(Settings s, ModelRequest request) {
        ResponseCreateParams.Builder b = ResponseCreateParams.builder().model(s.id());
        List<String> instructions = new ArrayList<>();
        List<ResponseInputItem> input = new ArrayList<>();
        for (Message m : request.messages()) {
            switch (m.role()) {
                case SYSTEM -> instructions.add(m.content());
                case USER -> input.add(easy(EasyInputMessage.Role.USER, m.content()));
                case ASSISTANT -> {
                    if (!m.content().isEmpty()) {
                        input.add(easy(EasyInputMessage.Role.ASSISTANT, m.content()));
                    }
                    for (ToolCall call : m.toolCalls()) {
                        input.add(ResponseInputItem.ofFunctionCall(ResponseFunctionToolCall.builder()
                                .callId(call.id()).name(call.name()).arguments(call.arguments()).build()));
                    }
                }
                case TOOL -> input.add(ResponseInputItem.ofFunctionCallOutput(
                        ResponseInputItem.FunctionCallOutput.builder().callId(m.toolCallId().orElse(""))
                                .output(m.content()).build()));
            }
        }
        if (!instructions.isEmpty()) {
            b.instructions(String.join("\n\n", instructions));
        }
        b.inputOfResponse(input);
        for (ToolDefinition tool : request.tools()) {
            b.addTool(FunctionTool.builder().name(tool.name()).description(tool.description())
                    .parameters(FunctionTool.Parameters.builder()
                            .additionalProperties(SdkClient.schema(tool.parameters())).build())
                    // Cadre's schemas are not written for strict mode (all fields required, no
                    // additional properties), so strict mode stays off.
                    .strict(false).build());
        }
        if (!request.tools().isEmpty()) {
            s.parallelToolCalls().ifPresent(b::parallelToolCalls);
        }
        request.outputSchema().ifPresent(o -> b.text(ResponseTextConfig.builder()
                .format(ResponseFormatTextJsonSchemaConfig.builder().name(o.name())
                        .schema(ResponseFormatTextJsonSchemaConfig.Schema.builder()
                                .additionalProperties(SdkClient.schema(SdkClient.wireSchema(o))).build())
                        .strict(o.strictCompatible()).build())
                .build()));
        s.temperature().ifPresent(b::temperature);
        s.topP().ifPresent(b::topP);
        s.maxOutputTokens().ifPresent(b::maxOutputTokens);
        s.reasoningEffort().ifPresent(e -> b.reasoning(Reasoning.builder().effort(ReasoningEffort.of(e)).build()));
        s.user().ifPresent(b::safetyIdentifier);
        return b.build();
    }

    private static ResponseInputItem easy(EasyInputMessage.Role role, String text) {
        return ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder().role(role).content(text).build());
    }

    /**
     * Turns streamed events into deltas. One instance per streamed attempt; not thread-safe.
     * Tolerates servers that send only the {@code .done} events: text or arguments that never came
     * as deltas are delivered from them.
     */
    public static final class StreamState {
        private final Consumer<ModelDelta> deltas;
        private final String baseUrl;
        private final Map<String, Boolean> textSeen = new HashMap<>();
        private final Map<Long, Boolean> argumentsSeen = new HashMap<>();
        private boolean terminal;
        private boolean named;

        public StreamState(Consumer<ModelDelta> deltas, String baseUrl) {
            this.deltas = deltas;
            this.baseUrl = baseUrl;
        }

        public void handle(ResponseStreamEvent event) {
            if (event.isCreated()) {
                // The response's id comes first, so that even a run cancelled mid-answer knows it.
                name(event.asCreated().response());
            } else if (event.isOutputTextDelta()) {
                var e = event.asOutputTextDelta();
                textSeen.put(e.itemId(), true);
                if (!e.delta().isEmpty()) {
                    deltas.accept(new ModelDelta.Text(e.delta()));
                }
            } else if (event.isOutputTextDone()) {
                var e = event.asOutputTextDone();
                if (!textSeen.containsKey(e.itemId()) && !e.text().isEmpty()) {
                    deltas.accept(new ModelDelta.Text(e.text()));
                }
            } else if (event.isRefusalDelta()) {
                // A refusal is what the model said instead of an answer: the user should see it.
                deltas.accept(new ModelDelta.Text(event.asRefusalDelta().delta()));
            } else if (event.isOutputItemAdded()) {
                var e = event.asOutputItemAdded();
                e.item().functionCall().ifPresent(call -> {
                    deltas.accept(new ModelDelta.ToolCallFragment((int) e.outputIndex(), Optional.of(call.callId()),
                            Optional.of(call.name()), call.arguments()));
                    if (!call.arguments().isEmpty()) {
                        argumentsSeen.put(e.outputIndex(), true);
                    }
                });
            } else if (event.isFunctionCallArgumentsDelta()) {
                var e = event.asFunctionCallArgumentsDelta();
                argumentsSeen.put(e.outputIndex(), true);
                deltas.accept(new ModelDelta.ToolCallFragment((int) e.outputIndex(), Optional.empty(),
                        Optional.empty(), e.delta()));
            } else if (event.isFunctionCallArgumentsDone()) {
                var e = event.asFunctionCallArgumentsDone();
                if (!argumentsSeen.containsKey(e.outputIndex())) {
                    deltas.accept(new ModelDelta.ToolCallFragment((int) e.outputIndex(), Optional.empty(),
                            Optional.empty(), e.arguments()));
                }
            } else if (event.isCompleted()) {
                terminal = true;
                name(event.asCompleted().response()); // for servers that skip response.created
                event.asCompleted().response().usage().ifPresent(u -> deltas.accept(new ModelDelta.UsageReport(usage(u))));
            } else if (event.isIncomplete()) {
                // Cut short (max_output_tokens, content filter): keep what came, like Chat's "length".
                terminal = true;
                event.asIncomplete().response().usage()
                        .ifPresent(u -> deltas.accept(new ModelDelta.UsageReport(usage(u))));
            } else if (event.isFailed()) {
                terminal = true;
                String message = event.asFailed().response().error().map(er -> er.message())
                        .orElse("the response failed");
                throw new ModelException("The stream from " + baseUrl + " reported an error: " + message,
                        "stream_error", null);
            } else if (event.isError()) {
                var e = event.asError();
                throw new ModelException("The stream from " + baseUrl + " reported an error: " + e.message()
                        + e.code().map(c -> " (" + c + ")").orElse(""), "stream_error", null);
            }
        }

        private void name(Response response) {
            if (!named) {
                named = true;
                deltas.accept(responseId(response));
            }
        }

        /** Fails when the stream ended without {@code response.completed} (or another terminal event). */
        public void end() {
            if (!terminal) {
                throw new ModelException("The stream from " + baseUrl
                        + " ended before the answer was complete (no response.completed).", "incomplete_stream", null);
            }
        }
    }

    public static ModelResponse response(Response response) {
        StringBuilder text = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        for (ResponseOutputItem item : response.output()) {
            item.message().ifPresent(m -> {
                for (ResponseOutputMessage.Content c : m.content()) {
                    c.outputText().ifPresent(t -> text.append(t.text()));
                    c.refusal().ifPresent(r -> text.append(r.refusal()));
                }
            });
            item.functionCall().ifPresent(f -> calls.add(new ToolCall(f.callId(), f.name(), f.arguments())));
        }
        return new ModelResponse(text.toString(), calls,
                response.usage().map(ResponsesMapping::usage).orElse(Usage.NONE), responseId(response).data());
    }

    /** The response's id as provider data: {@code response_id}, the key Agno uses. */
    static ModelDelta.ProviderData responseId(Response response) {
        String id = ChatMapping.id(response::id);
        return new ModelDelta.ProviderData(id.isEmpty() ? Map.of() : Map.of("response_id", id));
    }

    static Usage usage(ResponseUsage u) {
        long cached = safe(() -> u.inputTokensDetails().cachedTokens());
        long reasoning = safe(() -> u.outputTokensDetails().reasoningTokens());
        return new Usage(u.inputTokens(), u.outputTokens(), u.totalTokens(), cached, reasoning);
    }

    /** Detail counts some compatible servers leave out; missing means zero. */
    private static long safe(Supplier<Long> value) {
        try {
            return value.get();
        } catch (OpenAIInvalidDataException missing) {
            return 0;
        }
    }

}
