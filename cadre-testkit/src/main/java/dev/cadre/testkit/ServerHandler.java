package dev.cadre.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.testkit.Wire.HttpError;
import dev.cadre.testkit.Wire.Scripted;
import dev.cadre.testkit.internal.Json;
import dev.cadre.testkit.internal.Step;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
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
 * One connection of a fake server, for any {@link Wire}. Netty gives each connection its own instance and calls
 * it on one I/O thread only, so the fields need no locking.
 */
final class ServerHandler<R, C> extends SimpleChannelInboundHandler<FullHttpRequest> {

    private final ScriptedServer<R> server;
    private final Wire<R, C> wire;
    /** The answer being written on this connection, if any. */
    private Exchange current;

    ServerHandler(ScriptedServer<R> server, Wire<R, C> wire) {
        this.server = server;
        this.wire = wire;
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
                uri.parameters(), headers, rawBody, body, now));
        boolean keepAlive = HttpUtil.isKeepAlive(msg);
        current = new Exchange(ctx, request, keepAlive);
        current.start();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        // Fires as soon as the socket reports the peer's FIN or RST, even while the exchange only
        // waits for its next scheduled chunk: that is what makes disconnects visible at once.
        if (current != null) {
            current.clientGone();
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // "Connection reset by peer" and friends: the client is gone.
        if (current != null) {
            current.clientGone();
        }
        ctx.close();
    }

    /** Writes one scripted answer, step by step, on the connection's I/O thread. */
    private final class Exchange {
        private final ChannelHandlerContext ctx;
        private final RecordedRequest request;
        private final boolean keepAlive;
        private Iterator<Step> steps;
        private ScheduledFuture<?> pending;

        Exchange(ChannelHandlerContext ctx, RecordedRequest request, boolean keepAlive) {
            this.ctx = ctx;
            this.request = request;
            this.keepAlive = keepAlive;
        }

        void start() {
            if (!wire.serves(request)) {
                sendError(wire.notFound(request));
                return;
            }
            Optional<String> key = server.requiredApiKey();
            if (key.isPresent() && !wire.authorized(request, key.get())) {
                sendError(wire.unauthorized(request));
                return;
            }
            if (request.body().isMissingNode()) {
                sendError(wire.unparsable(request));
                return;
            }
            Optional<HttpError> refusal = wire.refusal(request);
            if (refusal.isPresent()) {
                sendError(refusal.get());
                return;
            }
            R reply;
            try {
                reply = server.replyFor(request).orElse(null);
            } catch (RuntimeException e) {
                sendError(wire.scriptFailed(e, request));
                return;
            }
            if (reply == null) {
                sendError(wire.noReply(request));
                return;
            }
            boolean stream = request.isStream();
            switch (wire.unwrap(reply, request)) {
                case Scripted.Failure<C>(HttpError e) -> sendError(e);
                case Scripted.Stall<C> s -> {
                    if (stream) {
                        ctx.writeAndFlush(sseHeaders());
                    }
                    // Then nothing: the exchange ends when the client gives up.
                }
                case Scripted.RawStream<C>(String body) -> {
                    ctx.write(sseHeaders());
                    run(List.<Step>of(new Step.Write(Duration.ZERO, body, false), new Step.End(Duration.ZERO)));
                }
                case Scripted.Answer<C>(C answer, Reply.Completion script) when stream -> {
                    List<Step> steps = wire.stream(answer, request);
                    schedule(script.headersDelay(), () -> {
                        if (!request.isEnded()) {
                            ctx.write(sseHeaders());
                            run(steps);
                        }
                    });
                }
                case Scripted.Answer<C>(C answer, Reply.Completion script) -> {
                    Duration delay = script.headersDelay().plus(wire.delay(answer, request));
                    switch (script.ending()) {
                        case ABRUPT_CLOSE -> run(List.of(new Step.Reset(delay)));
                        case STALL -> { } // never answered: the exchange ends when the client gives up
                        // A non-stream has no way to fail half-way: the whole answer is an error.
                        case STREAM_ERROR -> sendError(wire.unstreamedStreamError(request));
                        default -> {
                            JsonNode body = wire.body(answer, request);
                            schedule(delay, () -> sendJson(HttpResponseStatus.OK, body, Map.of()));
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
                case Step.Write w -> ctx.writeAndFlush(new DefaultHttpContent(utf8(w.text())))
                        .addListener(failureMeansGone());
                case Step.End e -> ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(f -> {
                    if (f.isSuccess()) {
                        request.end(Outcome.Kind.COMPLETED);
                        if (!keepAlive) {
                            ctx.close();
                        }
                    } else {
                        clientGone();
                    }
                });
                case Step.Hold h -> {
                    // The last step: nothing more is sent, and the exchange ends when the client leaves.
                }
                case Step.Reset r -> {
                    request.end(Outcome.Kind.SERVER_CLOSED);
                    // SO_LINGER 0 turns the close into a TCP RST: an abrupt failure, not a clean end.
                    ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                    ctx.close();
                }
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

        private ChannelFutureListener failureMeansGone() {
            return f -> {
                if (!f.isSuccess()) {
                    clientGone();
                }
            };
        }

        private void sendError(HttpError e) {
            sendJson(HttpResponseStatus.valueOf(e.status()), e.body(), e.headers());
        }

        private void sendJson(HttpResponseStatus status, JsonNode json, Map<String, String> extraHeaders) {
            if (request.isEnded()) {
                return;
            }
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    utf8(Json.write(json)));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, wire.jsonContentType());
            commonHeaders(response);
            extraHeaders.forEach((k, v) -> response.headers().set(k, v));
            HttpUtil.setContentLength(response, response.content().readableBytes());
            HttpUtil.setKeepAlive(response, keepAlive);
            ctx.writeAndFlush(response).addListener(f -> {
                if (f.isSuccess()) {
                    request.end(Outcome.Kind.COMPLETED);
                    if (!keepAlive) {
                        ctx.close();
                    }
                } else {
                    clientGone();
                }
            });
        }

        private HttpResponse sseHeaders() {
            HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            wire.streamHeaders(response.headers());
            commonHeaders(response);
            HttpUtil.setTransferEncodingChunked(response, true);
            HttpUtil.setKeepAlive(response, keepAlive);
            return response;
        }

        private void commonHeaders(HttpResponse response) {
            wire.commonHeaders(response.headers(), request);
        }
    }

    private static ByteBuf utf8(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }
}
