package dev.cadre.server.config;

import dev.cadre.mcp.McpException;
import dev.cadre.mcp.McpTools;
import dev.cadre.server.config.CadreConfig.McpServerConfig;
import dev.cadre.tool.Tool;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Connects a component's MCP servers and gathers their tools. */
final class McpAssembly {

    private McpAssembly() {
    }

    /**
     * Starts or reaches each server and returns all their tools; each opened {@link McpTools} is added to
     * {@code opened} (also when a later one fails), for the caller to close.
     *
     * @throws ConfigException naming the server's entry when it cannot be used, or when two of the component's
     *     servers offer a tool of the same name
     */
    static List<Tool> tools(String file, List<McpServerConfig> servers, List<McpTools> opened) {
        List<Tool> tools = new ArrayList<>();
        Map<String, McpServerConfig> owners = new HashMap<>();
        for (McpServerConfig s : servers) {
            McpTools mcp;
            try {
                mcp = builder(s).build();
            } catch (McpException | IllegalArgumentException e) {
                throw new ConfigException(file, s.line(), s.path(), e.getMessage());
            }
            opened.add(mcp);
            for (Tool t : mcp.tools()) {
                McpServerConfig first = owners.putIfAbsent(t.name(), s);
                if (first != null) {
                    throw new ConfigException(file, s.line(), s.path(), "offers a tool named '" + t.name()
                            + "', as does the MCP server on line " + first.line() + ": give one of them a prefix");
                }
                tools.add(t);
            }
        }
        return tools;
    }

    private static McpTools.Builder builder(McpServerConfig s) {
        McpTools.Builder b = McpTools.builder();
        s.command().ifPresent(c -> b.command(c, s.args()));
        s.url().ifPresent(b::url);
        b.env(s.env());
        s.workingDirectory().ifPresent(b::workingDirectory);
        b.headers(s.headers());
        s.prefix().ifPresent(b::prefix);
        b.include(s.includeTools());
        b.exclude(s.excludeTools());
        return b;
    }
}
