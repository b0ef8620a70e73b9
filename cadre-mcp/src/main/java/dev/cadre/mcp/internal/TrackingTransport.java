package dev.cadre.mcp.internal;

import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * A client transport that tells each {@link InFlightCall} the id of its {@code tools/call} request.
 *
 * <p>The SDK makes request ids inside its session and offers no way to cancel a request. It does pass the
 * caller's Reactor context on to the transport's {@code sendMessage}; a call puts its {@link InFlightCall} there,
 * and this transport hands it the id of the request it sends. Everything else goes to the SDK's transport as it
 * is.
 */
final class TrackingTransport implements McpClientTransport {

    /** The context key under which a tool call puts its {@link InFlightCall}. */
    static final Class<InFlightCall> KEY = InFlightCall.class;

    private final McpClientTransport delegate;

    TrackingTransport(McpClientTransport delegate) {
        this.delegate = delegate;
    }

    @Override
    public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        return delegate.connect(handler);
    }

    @Override
    public void setExceptionHandler(Consumer<Throwable> handler) {
        delegate.setExceptionHandler(handler);
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        if (message instanceof McpSchema.JSONRPCRequest request
                && McpSchema.METHOD_TOOLS_CALL.equals(request.method())) {
            return Mono.deferContextual(ctx -> {
                ctx.<InFlightCall>getOrEmpty(KEY).ifPresent(call -> call.sent(request.id()));
                return delegate.sendMessage(message);
            });
        }
        return delegate.sendMessage(message);
    }

    @Override
    public Mono<Void> closeGracefully() {
        return delegate.closeGracefully();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return delegate.unmarshalFrom(data, typeRef);
    }

    @Override
    public List<String> protocolVersions() {
        return delegate.protocolVersions();
    }
}
