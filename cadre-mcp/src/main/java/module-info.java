/**
 * The tools of MCP servers as Cadre tools ({@code McpTools}), on the official MCP Java SDK with its Jackson 2
 * binding. {@code dev.cadre.mcp.internal} (connection, transports, result text) is not exported.
 *
 * <p>The SDK's jars are automatic modules with declared names ({@code Automatic-Module-Name}); Reactor, which
 * the SDK's client is built on, declares {@code reactor.core}.
 */
@SuppressWarnings({"requires-automatic", "module"})
module dev.cadre.mcp {
    requires transitive dev.cadre.core;
    requires io.modelcontextprotocol.sdk.mcp.core;
    requires io.modelcontextprotocol.sdk.mcp.json.jackson2;
    requires reactor.core;
    requires org.reactivestreams;
    requires java.net.http;
    requires org.slf4j;

    exports dev.cadre.mcp;
}
