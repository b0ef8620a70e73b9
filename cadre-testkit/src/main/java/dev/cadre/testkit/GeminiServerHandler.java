package dev.cadre.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.testkit.internal.GeminiWire;
import dev.cadre.testkit.internal.Json;
import dev.cadre.testkit.internal.Step;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One connection of the {@link FakeGeminiServer}. Netty gives each connection its own instance and calls it on
 * one I/O thread only, so the fields need no locking. Runs the same kind of {@link Step}s as the OpenAI fake.
 */
final class GeminiServerHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private final FakeGeminiServer server;
    private Exchange current;

    GeminiServerHandler(FakeGeminiServer server) {
        this.server = server;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
        String rawBody = msg.content().toString(StandardCharsets.UTF_8);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : msg.headers()) {
            headers.computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(h.getValue());
        }
        QueryStringDecoder uri = new QueryStringDecoder(msg.uri());
        JsonNode body = Json.parseOrMissing(rawBody);
        long now = System.nanoTime();
        RecordedRequest request = server.record(seq -> new RecordedRequest(seq, msg.method().name(), uri.path(),
                headers, rawBody, body, now));
        current = new Exchange(ctx, request, uri.parameters(), HttpUtil.isKeepAlive(msg));
        current.start();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        // Fires as soon as the socket reports the peer's FIN or RST, even between two scheduled chunks.
        if (current != null) {
            current.clientGone();
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (current != null) {
            current.clientGone();
        }
        ctx.close();
    }

    /** Writes one scripted answer, step by step, on the connection's I/O thread. */
    private final class Exchange {
        private final ChannelHandlerContext ctx;
        private final RecordedRequest request;
        private final Map<String, List<String>> query;
        private final boolean keepAlive;
        private Iterator<Step> steps;
        private ScheduledFuture<?> pending;

        Exchange(ChannelHandlerContext ctx, RecordedRequest request, Map<String, List<String>> query,
                boolean keepAlive) {
            this.ctx = ctx;
            this.request = request;
            this.query = query;
            this.keepAlive = keepAlive;
        }

        void start() {
            if (!request.method().equals("POST") || request.api() != Api.GEMINI_GENERATE_CONTENT) {
                sendError(GeminiReply.error(404, "NOT_FOUND", "Unknown request URL: " + request.method() + " "
                        + request.path() + "."));
                return;
            }
            Optional<String> required = server.requiredApiKey();
            Optional<String> key = request.header("x-goog-api-key")
                    .or(() -> Optional.ofNullable(query.get("key")).map(v -> v.get(0)));
            if (required.isPresent() && key.isEmpty()) {
                sendError(GeminiReply.error(403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers "
                        + "(callers without established identity). Please use API Key or other form of API consumer "
                        + "identity to call this API."));
                return;
            }
            if (required.isPresent() && !key.equals(required)) {
                sendError(GeminiReply.apiKeyInvalid());
                return;
            }
            if (request.body().isMissingNode()) {
                sendError(GeminiReply.error(400, "INVALID_ARGUMENT", "Invalid JSON payload received."));
                return;
            }
            boolean stream = request.isStream();
            if (stream && !List.of("sse").equals(query.get("alt"))) {
                sendError(GeminiReply.error(400, "INVALID_ARGUMENT",
                        "FakeGeminiServer streams Server-Sent Events only: add ?alt=sse."));
                return;
            }
            GeminiReply reply;
            try {
                reply = server.replyFor(request).orElse(null);
            } catch (RuntimeException e) {
                sendError(GeminiReply.error(500, "INTERNAL", "FakeGeminiServer: the script threw " + e + " for "
                        + request));
                return;
            }
            if (reply == null) {
                sendError(GeminiReply.error(500, "INTERNAL", "FakeGeminiServer: no scripted reply for " + request));
                return;
            }
            String model = request.model().orElse("gemini");
            switch (reply) {
                case GeminiReply.Error e -> sendError(e);
                case GeminiReply.Other(Reply.Stall s) -> {
                    if (stream) {
                        ctx.writeAndFlush(sseHeaders());
                    }
                    // Then nothing: the exchange ends when the client gives up.
                }
                case GeminiReply.Other(Reply.RawSse raw) -> {
                    ctx.write(sseHeaders());
                    run(List.of(new Step.Write(Duration.ZERO, raw.body(), false), new Step.End(Duration.ZERO)));
                }
                case GeminiReply.Other other -> throw new IllegalStateException("unexpected " + other);
                case GeminiReply.Turn t when stream -> {
                    List<Step> all = GeminiWire.stream(t, request.body(), model);
                    schedule(t.completion().headersDelay(), () -> {
                        if (!request.isEnded()) {
                            ctx.write(sseHeaders());
                            run(all);
                        }
                    });
                }
                case GeminiReply.Turn t -> {
                    Duration delay = t.completion().headersDelay().plus(GeminiWire.delay(t));
                    switch (t.completion().ending()) {
                        case ABRUPT_CLOSE -> run(List.of(new Step.Reset(delay)));
                        case STREAM_ERROR -> sendError(GeminiReply.error(500, "INTERNAL",
                                "An internal error has occurred."));
                        default -> {
                            JsonNode body = GeminiWire.body(t, request.body(), model);
                            schedule(delay, () -> sendJson(HttpResponseStatus.OK, Json.write(body), Map.of()));
                        }
                    }
                }
            }
        }

        private void run(List<Step> all) {
            steps = all.iterator();
            next();
        }

        /** Runs the steps that are due now and schedules the next one that has a delay. */
        private void next() {
            while (!request.isEnded() && steps.hasNext()) {
                Step step = steps.next();
                if (!step.delay().isZero()) {
                    schedule(step.delay(), () -> {
                        perform(step);
                        next();
                    });
                    return;
                }
                perform(step);
            }
        }

        private void perform(Step step) {
            if (request.isEnded()) {
                return;
            }
            switch (step) {
                case Step.Write w -> ctx.writeAndFlush(new DefaultHttpContent(utf8(w.text()))).addListener(f -> {
                    if (!f.isSuccess()) {
                        clientGone();
                    }
                });
                case Step.End e -> ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
                        .addListener(f -> ended(f.isSuccess()));
                case Step.Reset r -> {
                    request.end(Outcome.Kind.SERVER_CLOSED);
                    // SO_LINGER 0 turns the close into a TCP RST: an abrupt failure, not a clean end.
                    ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                    ctx.close();
                }
            }
        }

        private void ended(boolean written) {
            if (written) {
                request.end(Outcome.Kind.COMPLETED);
                if (!keepAlive) {
                    ctx.close();
                }
            } else {
                clientGone();
            }
        }

        private void schedule(Duration delay, Runnable action) {
            if (delay.isZero()) {
                action.run();
                return;
            }
            pending = ctx.executor().schedule(action, delay.toNanos(), TimeUnit.NANOSECONDS);
        }

        void clientGone() {
            if (request.end(Outcome.Kind.CLIENT_DISCONNECTED) && pending != null) {
                pending.cancel(false);
            }
        }

        private void sendError(GeminiReply.Error e) {
            sendJson(HttpResponseStatus.valueOf(e.code()), Json.write(GeminiWire.error(e)), e.headers());
        }

        private void sendJson(HttpResponseStatus status, String json, Map<String, String> extraHeaders) {
            if (request.isEnded()) {
                return;
            }
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, utf8(json));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=UTF-8");
            extraHeaders.forEach((k, v) -> response.headers().set(k, v));
            HttpUtil.setContentLength(response, response.content().readableBytes());
            HttpUtil.setKeepAlive(response, keepAlive);
            ctx.writeAndFlush(response).addListener(f -> ended(f.isSuccess()));
        }

        private HttpResponse sseHeaders() {
            HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
            response.headers().set("x-content-type-options", "nosniff");
            HttpUtil.setTransferEncodingChunked(response, true);
            HttpUtil.setKeepAlive(response, keepAlive);
            return response;
        }
    }

    private static ByteBuf utf8(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }
}
