/**
 * Test doubles for Cadre: {@code FakeOpenAIServer} (the OpenAI wire formats on Netty), {@code FakeAnthropicServer}
 * (Anthropic's Messages API, on the same plumbing), {@code FakeGeminiServer} (the Gemini API's), {@code FakeMcpServer}
 * (a real MCP server on the MCP SDK, over stdio or streamable HTTP on Jetty), {@code ScriptedModel},
 * {@code TestAbortSignal} and {@code BackgroundCall} (an abort signal fired by hand, and a model call on a thread of
 * its own, for models' cancellation tests).
 * {@code dev.cadre.testkit.internal} (the wire encoders, the MCP server's parts) is not exported.
 */
@SuppressWarnings({"requires-automatic", "module"})
module dev.cadre.testkit {
    requires transitive dev.cadre.core;
    requires io.netty.buffer;
    requires io.netty.codec;
    requires io.netty.codec.http;
    requires io.netty.common;
    requires io.netty.handler;
    requires io.netty.transport;
    requires org.slf4j;
    // The MCP SDK's jars are automatic modules with declared names.
    requires io.modelcontextprotocol.sdk.mcp.core;
    requires io.modelcontextprotocol.sdk.mcp.json.jackson2;
    requires reactor.core;
    requires jakarta.servlet;
    requires org.eclipse.jetty.server;
    requires org.eclipse.jetty.ee10.servlet;

    exports dev.cadre.testkit;

    opens dev.cadre.testkit.internal to com.fasterxml.jackson.databind;
}
