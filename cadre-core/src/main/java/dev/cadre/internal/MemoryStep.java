package dev.cadre.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.json.CadreJson;
import dev.cadre.memory.UserMemory;
import dev.cadre.model.Message;
import dev.cadre.model.Model;
import dev.cadre.model.ModelRequest;
import dev.cadre.model.ModelResponse;
import dev.cadre.model.ToolCall;
import dev.cadre.model.ToolDefinition;
import dev.cadre.model.Usage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The model side of a run's memory step, as Agno's memory manager does it: the model is shown the user's message
 * and memories, and calls {@code add_memory}, {@code update_memory} and {@code delete_memory} until it is done.
 * Nothing is written here: the calls are collected as {@link Op}s, which the run writes only once it has
 * completed — so a run cancelled meanwhile changes no memory. The model call is cancelled with its run.
 */
final class MemoryStep {

    /** How many rounds of memory tool calls one step may make; a model that goes on is stopped there. */
    static final int MAX_ROUNDS = 5;

    enum Kind { ADD, UPDATE, DELETE }

    /** One change the model asked for. */
    record Op(Kind kind, String memoryId, String memory, List<String> topics) {
        Op {
            topics = topics == null ? List.of() : List.copyOf(topics);
            memory = memory == null ? "" : memory;
        }
    }

    /**
     * What a memory step decided, and what its model calls used: a step of the run's journal.
     *
     * @param answered whether the model answered (not when the step failed)
     */
    record Thought(List<Op> ops, Usage usage, boolean answered) {
        static final Thought NOTHING = new Thought(List.of(), Usage.NONE, false);

        Thought {
            ops = List.copyOf(ops);
        }
    }

    private static final List<ToolDefinition> TOOLS = List.of(
            tool("add_memory", "Adds a memory about the user.", """
                    {"type":"object","properties":{
                      "memory":{"type":"string","description":"The memory to add."},
                      "topics":{"type":"array","items":{"type":"string"},
                        "description":"What the memory is about, such as name, hobbies or location."}},
                     "required":["memory"]}"""),
            tool("update_memory", "Replaces the text (and topics) of an existing memory, by its ID.", """
                    {"type":"object","properties":{
                      "memory_id":{"type":"string","description":"The ID of the memory to update."},
                      "memory":{"type":"string","description":"The updated memory."},
                      "topics":{"type":"array","items":{"type":"string"},
                        "description":"What the memory is about, such as name, hobbies or location."}},
                     "required":["memory_id","memory"]}"""),
            tool("delete_memory", "Deletes an existing memory, by its ID.", """
                    {"type":"object","properties":{
                      "memory_id":{"type":"string","description":"The ID of the memory to delete."}},
                     "required":["memory_id"]}"""));

    private MemoryStep() {
    }

    private static ToolDefinition tool(String name, String description, String schema) {
        try {
            return new ToolDefinition(name, description, CadreJson.mapper().readTree(schema));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Asks {@code model} what to change, on a thread of its own, the run's thread waiting for it or the run's
     * cancel.
     *
     * @throws ModelTurn.Cancelled when the run is cancelled meanwhile
     * @throws RuntimeException when the model fails (the caller logs it; the run goes on)
     */
    static Thought think(EngineContext cx, LiveRun r, Model model, String input, List<UserMemory> existing)
            throws ModelTurn.Cancelled {
        List<Message> conversation = new ArrayList<>(List.of(Message.system(MemoryPrompts.manager(existing)),
                Message.user(input)));
        Set<String> known = new HashSet<>();
        existing.forEach(m -> known.add(m.memoryId()));
        List<Op> ops = new ArrayList<>();
        Usage used = Usage.NONE;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            ModelResponse response = ask(cx, r, model, new ModelRequest(conversation, TOOLS));
            used = used.plus(response.usage());
            if (response.toolCalls().isEmpty()) {
                break;
            }
            conversation.add(Message.assistant(response.content(), response.toolCalls()));
            for (ToolCall call : response.toolCalls()) {
                conversation.add(Message.toolResult(call, apply(call, known, ops)));
            }
        }
        return new Thought(ops, used, true);
    }

    private static ModelResponse ask(EngineContext cx, LiveRun r, Model model, ModelRequest request)
            throws ModelTurn.Cancelled {
        CompletableFuture<ModelResponse> answer = new CompletableFuture<>();
        Thread t = cx.threads().start("cadre-memory-" + r.state.runId, () -> {
            try {
                answer.complete(model.invoke(request, r.control));
            } catch (Throwable e) {
                answer.completeExceptionally(e);
            }
        });
        try (var interrupt = r.control.onAbort(t::interrupt)) {
            return ModelTurn.await(r, answer);
        }
    }

    /** Records one tool call as an {@link Op}, and answers the model as Agno's memory tools answer. */
    private static String apply(ToolCall call, Set<String> known, List<Op> ops) {
        JsonNode args;
        try {
            args = CadreJson.mapper().readTree(call.arguments().isBlank() ? "{}" : call.arguments());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return "Error: the arguments are not valid JSON";
        }
        String memory = text(args, "memory");
        String id = text(args, "memory_id");
        List<String> topics = new ArrayList<>();
        args.path("topics").forEach(n -> {
            if (n.isTextual() && !n.asText().isBlank()) {
                topics.add(n.asText());
            }
        });
        switch (call.name()) {
            case "add_memory" -> {
                if (memory.isBlank()) {
                    return "Can't add an empty memory.";
                }
                String newId = UUID.randomUUID().toString();
                known.add(newId);
                ops.add(new Op(Kind.ADD, newId, memory, topics));
                return "Memory added successfully";
            }
            case "update_memory" -> {
                if (memory.isBlank()) {
                    return "Can't update memory with empty string. Use the delete memory function if available.";
                }
                if (!known.contains(id)) {
                    return "Memory " + id + " not found";
                }
                ops.add(new Op(Kind.UPDATE, id, memory, topics));
                return "Memory updated successfully";
            }
            case "delete_memory" -> {
                if (!known.remove(id)) {
                    return "Memory " + id + " not found";
                }
                ops.add(new Op(Kind.DELETE, id, "", List.of()));
                return "Memory deleted successfully";
            }
            default -> {
                return "Error: there is no tool named " + call.name();
            }
        }
    }

    private static String text(JsonNode args, String field) {
        JsonNode n = args.get(field);
        return n != null && n.isTextual() ? n.asText() : "";
    }

    /** The memory an {@link Op} writes, of {@code user}, from a run of {@code r}'s component. */
    static UserMemory memoryOf(Op op, LiveRun r, String user, Optional<UserMemory> before) {
        boolean team = r.spec() instanceof Spec.TeamSpec;
        UserMemory base = before.map(b -> b.withMemory(op.memory(), op.topics()))
                .orElseGet(() -> new UserMemory(op.memoryId(), op.memory(), op.topics(), user, Optional.empty(),
                        Optional.empty(), Optional.empty(), java.time.Instant.now(), java.time.Instant.now()));
        return base.from(team ? Optional.empty() : Optional.of(r.spec().id()),
                team ? Optional.of(r.spec().id()) : Optional.empty(), Optional.of(r.state.input));
    }
}
