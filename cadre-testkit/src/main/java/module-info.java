/**
 * Test doubles for Cadre: {@code FakeOpenAIServer} (the OpenAI wire formats on Netty),
 * {@code FakeAnthropicServer} (Anthropic's Messages API, on the same plumbing) and {@code ScriptedModel}.
 * {@code dev.cadre.testkit.internal} (the wire encoders) is not exported.
 */
module dev.cadre.testkit {
    requires transitive dev.cadre.core;
    requires io.netty.buffer;
    requires io.netty.codec;
    requires io.netty.codec.http;
    requires io.netty.common;
    requires io.netty.handler;
    requires io.netty.transport;
    requires org.slf4j;

    exports dev.cadre.testkit;

    opens dev.cadre.testkit.internal to com.fasterxml.jackson.databind;
}
