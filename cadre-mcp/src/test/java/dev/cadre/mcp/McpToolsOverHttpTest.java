package dev.cadre.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.testkit.FakeMcpEvents;
import dev.cadre.testkit.FakeMcpServer;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** McpTools over streamable HTTP: the fake server runs in the test's process. */
class McpToolsOverHttpTest extends McpToolsContract {

    private final FakeMcpServer mcpServer = FakeMcpServer.startHttp();

    @AfterEach
    void stopServer() throws Exception {
        mcpServer.close();
    }

    @Override
    McpTools.Builder server() {
        return McpTools.builder().url(mcpServer.url()).header("Authorization", "Bearer test-token");
    }

    @Override
    FakeMcpEvents events() {
        return mcpServer.events();
    }

    @Override
    String diedDuringTheCall() {
        return "MCP server 'cadre-fake-mcp' failed during the call of die";
    }

    @Override
    String goneAfterwards() {
        return "MCP server 'cadre-fake-mcp' failed during the call of add: ";
    }

    @Test
    void theHeadersGoWithTheRequests() {
        try (McpTools mcp = server().build()) {
            assertThat(mcpServer.lastHeader("Authorization")).hasValue("Bearer test-token");
        }
    }

    @Test
    void aPrefixThatMakesANameTheModelApisRefuseIsAClearError() {
        assertThatThrownBy(() -> server().prefix("calc.").build())
                .isInstanceOf(McpException.class)
                .hasMessageContaining("has a tool named 'add', which as 'calc.add' is not a name the model APIs"
                        + " accept");
    }

    @Test
    void aServerNobodyListensForIsAClearError() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/mcp";
        assertThatThrownBy(() -> McpTools.builder().url(url).build())
                .isInstanceOf(McpException.class)
                .hasMessageStartingWith("MCP server " + url + " could not be reached: ");
    }

    @Test
    void aUrlThatIsNotHttpIsRefusedAtOnce() {
        assertThatThrownBy(() -> McpTools.builder().url("ftp://example.org/mcp"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be an absolute http or https URL");
    }
}
