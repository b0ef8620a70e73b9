package dev.cadre.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.testkit.FakeMcpEvents;
import dev.cadre.testkit.FakeMcpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** McpTools over stdio: the fake server runs as a process of its own. */
class McpToolsOverStdioTest extends McpToolsContract {

    private final FakeMcpEvents events = new FakeMcpEvents();

    @Override
    McpTools.Builder server() {
        List<String> command = FakeMcpServer.stdioCommand();
        return McpTools.builder().command(command.getFirst(), command.subList(1, command.size())).stderr(events);
    }

    @Override
    FakeMcpEvents events() {
        return events;
    }

    @Override
    String diedDuringTheCall() {
        return "MCP server 'cadre-fake-mcp' exited with code 3 during the call of die";
    }

    @Override
    String goneAfterwards() {
        return "MCP server 'cadre-fake-mcp' exited with code 3; its tools stay unavailable";
    }

    @Test
    void theServerGetsTheEnvironmentAndWorkingDirectoryItWasGiven(@TempDir Path dir) throws Exception {
        try (McpTools mcp = server().env("CADRE_GREETING", "hello").workingDirectory(dir).build()) {
            assertThat(tool(mcp, "env").call(json("{\"name\":\"CADRE_GREETING\"}"), context())).isEqualTo("hello");
            assertThat(Path.of(tool(mcp, "cwd").call(json("{}"), context())).toRealPath()).isEqualTo(dir.toRealPath());
        }
    }

    @Test
    void aCommandThatCannotStartIsAClearError(@TempDir Path dir) {
        String missing = dir.resolve("no-such-mcp-server").toString();
        assertThatThrownBy(() -> McpTools.builder().command(missing, "--stdio").build())
                .isInstanceOf(McpException.class)
                .hasMessageStartingWith("MCP server '" + missing + " --stdio' could not be started: ");
    }

    @Test
    void aServerThatExitsBeforeItInitializesIsAClearErrorWithItsStderr(@TempDir Path dir) throws Exception {
        Path script = Files.writeString(dir.resolve("broken.sh"), "echo 'missing API key' >&2\nexit 2\n");
        assertThatThrownBy(() -> McpTools.builder().command("sh", script.toString()).build())
                .isInstanceOf(McpException.class)
                .hasMessageContaining("exited with code 2 before it initialized");
    }

    @Test
    void closingStopsTheServerProcess() {
        McpTools mcp = server().build();
        List<ProcessHandle> before = ProcessHandle.current().children().filter(ProcessHandle::isAlive).toList();
        assertThat(before).isNotEmpty();

        mcp.close();

        assertThat(before).noneMatch(ProcessHandle::isAlive);
        assertThatThrownBy(() -> tool(mcp, "add").call(json("{\"a\":1,\"b\":1}"), context()))
                .isInstanceOf(McpException.class).hasMessageContaining("was closed");
    }
}
