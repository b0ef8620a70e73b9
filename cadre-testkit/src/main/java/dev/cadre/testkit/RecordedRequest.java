package dev.cadre.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.testkit.internal.GeminiRequests;
import dev.cadre.testkit.internal.AnthropicRequests;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One request a fake server ({@link FakeOpenAIServer}, {@link FakeAnthropicServer}, {@link FakeGeminiServer})
 * received, and how its answer ended.
 *
 * <p>The request part is immutable. The {@linkplain #outcome() outcome} completes later, on a server
 * thread, when the answer was fully written, the client disconnected, or the server closed the
 * connection. All methods are thread-safe; the {@code await…} methods block the caller and never
 * need a {@code sleep} around them.
 *
 * <p>The conversation helpers ({@link #messages()}, {@link #lastUserMessage()}, …) read every wire
 * format, so a script can choose its reply the same way for Chat Completions, Responses, Anthropic and Gemini.
 */
public final class RecordedRequest {

    private static final Pattern GEMINI_PATH =
            Pattern.compile("/v1beta/models/([^/:]+):(?:generateContent|streamGenerateContent)");

    private final int sequence;
    private final String method;
    private final String path;
    private final Map<String, List<String>> query;
    private final Map<String, List<String>> headers;
    private final String rawBody;
    private final JsonNode body;
    private final long receivedAtNanos;
    private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();

    /**
     * A message of the recorded conversation, normalised across both APIs.
     *
     * @param role {@code system} (also for {@code developer} and Responses {@code instructions}),
     *     {@code user}, {@code assistant} or {@code tool}
     * @param content its text; for a tool result, the output
     * @param toolCallId for a tool result, the call it answers
     * @param toolCalls for an assistant message, the names of the functions it called
     */
    public record Message(String role, String content, Optional<String> toolCallId, List<String> toolCalls) {
        public Message {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(content, "content");
            Objects.requireNonNull(toolCallId, "toolCallId");
            toolCalls = List.copyOf(toolCalls);
        }
    }

    RecordedRequest(int sequence, String method, String path, Map<String, List<String>> query,
            Map<String, List<String>> headers, String rawBody, JsonNode body, long receivedAtNanos) {
        this.sequence = sequence;
        this.method = method;
        this.path = path;
        this.query = Map.copyOf(query);
        this.headers = Map.copyOf(headers);
        this.rawBody = rawBody;
        this.body = body;
        this.receivedAtNanos = receivedAtNanos;
    }

    /** 0 for the first request the server received, then 1, 2, … */
    public int sequence() {
        return sequence;
    }

    public String method() {
        return method;
    }

    /** The path without the query, for example {@code /v1/chat/completions}. */
    public String path() {
        return path;
    }

    public Api api() {
        return switch (path) {
            case "/v1/chat/completions" -> Api.CHAT_COMPLETIONS;
            case "/v1/responses" -> Api.RESPONSES;
            case "/v1/messages" -> Api.ANTHROPIC_MESSAGES;
            default -> GEMINI_PATH.matcher(path).matches() ? Api.GEMINI_GENERATE_CONTENT : Api.OTHER;
        };
    }

    /** A query parameter's values, none when absent; Gemini's wire reads {@code key} and {@code alt}. */
    List<String> queryParameter(String name) {
        return query.getOrDefault(name, List.of());
    }

    /** All headers, names in lower case. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** The first value of a header (name matched case-insensitively). */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** The body as received. */
    public String rawBody() {
        return rawBody;
    }

    /** The parsed JSON body; a {@code MissingNode} when the body was not JSON. */
    public JsonNode body() {
        return body;
    }

    /** When the request was complete, on the {@link System#nanoTime()} clock. */
    public long receivedAtNanos() {
        return receivedAtNanos;
    }

    /** The {@code model} field (for Gemini, the model named in the path). */
    public Optional<String> model() {
        if (api() == Api.GEMINI_GENERATE_CONTENT) {
            Matcher m = GEMINI_PATH.matcher(path);
            return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
        }
        return text(body.get("model"));
    }

    /** Whether the client asked for a stream ({@code "stream": true}; for Gemini, {@code :streamGenerateContent}). */
    public boolean isStream() {
        if (api() == Api.GEMINI_GENERATE_CONTENT) {
            return path.endsWith(":streamGenerateContent");
        }
        return body.path("stream").asBoolean(false);
    }

    /** The names of the function tools offered, in order (the Chat, Responses and Anthropic shapes). */
    public List<String> toolNames() {
        if (api() == Api.GEMINI_GENERATE_CONTENT) {
            return GeminiRequests.toolNames(body);
        }
        List<String> names = new ArrayList<>();
        for (JsonNode tool : body.path("tools")) {
            JsonNode name = tool.has("function") ? tool.path("function").get("name") : tool.get("name");
            text(name).ifPresent(names::add);
        }
        return List.copyOf(names);
    }

    public boolean hasTool(String name) {
        return toolNames().contains(name);
    }

    /**
     * The conversation, oldest first; Responses {@code instructions} and Anthropic's {@code system} come first
     * as a system message, and each Anthropic {@code tool_result} block is a {@code tool} message.
     */
    public List<Message> messages() {
        if (api() == Api.GEMINI_GENERATE_CONTENT) {
            return GeminiRequests.messages(body);
        }
        if (api() == Api.ANTHROPIC_MESSAGES) {
            return AnthropicRequests.messages(body);
        }
        List<Message> out = new ArrayList<>();
        if (api() == Api.RESPONSES) {
            text(body.get("instructions")).ifPresent(s -> out.add(plain("system", s)));
            JsonNode input = body.path("input");
            if (input.isTextual()) {
                out.add(plain("user", input.asText()));
            }
            for (JsonNode item : input) {
                String type = item.path("type").asText("message");
                switch (type) {
                    case "function_call" -> out.add(new Message("assistant", "", Optional.empty(),
                            List.of(item.path("name").asText())));
                    case "function_call_output" -> out.add(new Message("tool", contentText(item.path("output")),
                            text(item.get("call_id")), List.of()));
                    case "message" -> out.add(plain(role(item.path("role").asText("user")),
                            contentText(item.path("content"))));
                    default -> {
                        // Other item kinds (reasoning, built-in tools) carry no conversation text.
                    }
                }
            }
        } else {
            for (JsonNode m : body.path("messages")) {
                List<String> calls = new ArrayList<>();
                for (JsonNode c : m.path("tool_calls")) {
                    calls.add(c.path("function").path("name").asText());
                }
                out.add(new Message(role(m.path("role").asText()), contentText(m.path("content")),
                        text(m.get("tool_call_id")), calls));
            }
        }
        return List.copyOf(out);
    }

    /** The last message, if any. */
    public Optional<Message> lastMessage() {
        List<Message> all = messages();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** The text of the last user message. */
    public Optional<String> lastUserMessage() {
        List<Message> all = messages();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).role().equals("user")) {
                return Optional.of(all.get(i).content());
            }
        }
        return Optional.empty();
    }

    /** The system prompt: all system and developer messages (and Responses instructions), joined. */
    public String systemPrompt() {
        return String.join("\n", messages().stream().filter(m -> m.role().equals("system"))
                .map(Message::content).toList());
    }

    /** The outputs of all tool results in the conversation, oldest first. */
    public List<String> toolResults() {
        return messages().stream().filter(m -> m.role().equals("tool")).map(Message::content).toList();
    }

    /** Whether the last message is a tool result, i.e. the model is asked to go on after a tool call. */
    public boolean isAfterToolResult() {
        return lastMessage().map(m -> m.role().equals("tool")).orElse(false);
    }

    /** Completes when the answer to this request has ended, however it ended. */
    public CompletableFuture<Outcome> outcome() {
        return outcome.copy();
    }

    /**
     * Waits until the answer has ended.
     *
     * @throws AssertionError when it has not ended within {@code timeout}
     */
    public Outcome awaitOutcome(Duration timeout) {
        try {
            return outcome.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the answer to request #" + sequence + " (" + path + ") did not end within "
                    + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for request #" + sequence, e);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
    }

    /**
     * Waits up to {@code timeout} for the client to close the connection before the answer was
     * complete. Returns at once when the answer ended another way.
     *
     * @return whether the client disconnected mid-answer
     */
    public boolean awaitDisconnect(Duration timeout) {
        try {
            Outcome o = outcome.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return o.kind() == Outcome.Kind.CLIENT_DISCONNECTED;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
    }

    /** When the client disconnected mid-answer ({@link System#nanoTime()}), if it did so far. */
    public OptionalLong disconnectedAtNanos() {
        Outcome o = outcome.getNow(null);
        return o != null && o.kind() == Outcome.Kind.CLIENT_DISCONNECTED ? OptionalLong.of(o.atNanos())
                : OptionalLong.empty();
    }

    /** Completes the outcome once; later calls are ignored. Called by the server only. */
    boolean end(Outcome.Kind kind) {
        return outcome.complete(new Outcome(kind, System.nanoTime()));
    }

    boolean isEnded() {
        return outcome.isDone();
    }

    @Override
    public String toString() {
        return "RecordedRequest#" + sequence + "[" + method + " " + path + (isStream() ? " stream" : "")
                + lastUserMessage().map(u -> ", last user message: " + abbreviate(u)).orElse("") + "]";
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    private static Message plain(String role, String content) {
        return new Message(role, content, Optional.empty(), List.of());
    }

    private static String role(String wire) {
        return wire.equals("developer") ? "system" : wire;
    }

    private static Optional<String> text(JsonNode node) {
        return node == null || node.isNull() || !node.isValueNode() ? Optional.empty() : Optional.of(node.asText());
    }

    /** A string, or the text parts of a content array joined. */
    private static String contentText(JsonNode content) {
        if (content == null || content.isNull() || content.isMissingNode()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : content) {
            if (part.has("text")) {
                sb.append(part.get("text").asText());
            }
        }
        return sb.toString();
    }
}
