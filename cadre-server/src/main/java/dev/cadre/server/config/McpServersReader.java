package dev.cadre.server.config;

import dev.cadre.server.config.CadreConfig.McpServerConfig;
import dev.cadre.server.config.YamlTree.Node;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads an agent's or team's {@code mcp_servers:} list. Each entry is a stdio server
 * ({@code command}, {@code args}, {@code env}, {@code working_dir}) or a streamable-HTTP one ({@code url},
 * {@code headers}), with {@code prefix}, {@code include_tools} and {@code exclude_tools} for either.
 */
final class McpServersReader {

    private static final Set<String> KEYS = Set.of("command", "args", "env", "working_dir", "url", "headers", "prefix",
            "include_tools", "exclude_tools");

    private final ConfigReader reader;

    McpServersReader(ConfigReader reader) {
        this.reader = reader;
    }

    /** The entries under {@code parent}'s {@code mcp_servers}, none when it has no such key. */
    List<McpServerConfig> read(Node parent) {
        Node list = parent.map().get("mcp_servers");
        if (list == null || list.value() == null) {
            return List.of();
        }
        if (!list.isList()) {
            throw reader.error(list, "must be a list of MCP servers ({command: ...} or {url: ...})");
        }
        List<McpServerConfig> servers = new ArrayList<>();
        for (Node n : list.list()) {
            servers.add(server(n));
        }
        return List.copyOf(servers);
    }

    private McpServerConfig server(Node n) {
        if (!n.isMap()) {
            throw reader.error(n, "must be a mapping: {command: ..., args: [...]} or {url: http://...}");
        }
        reader.keys(n, KEYS);
        Map<String, Node> m = n.map();
        Optional<String> command = text(m.get("command"));
        Optional<String> url = text(m.get("url"));
        if (command.isPresent() == url.isPresent()) {
            throw reader.error(n, command.isPresent() ? "has both command and url: an MCP server is either a process"
                    + " (command) or an HTTP endpoint (url)" : "needs a command (a stdio server) or a url"
                    + " (a streamable-HTTP server)");
        }
        if (url.isPresent()) {
            for (String stdioOnly : List.of("args", "env", "working_dir")) {
                if (m.containsKey(stdioOnly)) {
                    throw reader.error(m.get(stdioOnly), "is for servers started with command, not for a url");
                }
            }
            if (!url.get().startsWith("http://") && !url.get().startsWith("https://")) {
                throw reader.error(m.get("url"), "'" + url.get() + "' is not an http:// or https:// URL");
            }
        } else if (m.containsKey("headers")) {
            throw reader.error(m.get("headers"), "is for servers reached by url, not for a command");
        }
        return new McpServerConfig(n.line(), n.path(), command, texts(m.get("args")), pairs(m.get("env")),
                text(m.get("working_dir")).map(Path::of), url, pairs(m.get("headers")), text(m.get("prefix")),
                texts(m.get("include_tools")), texts(m.get("exclude_tools")));
    }

    private Optional<String> text(Node n) {
        if (n == null || n.value() == null) {
            return Optional.empty();
        }
        String s = reader.text(n);
        return s.isBlank() ? Optional.empty() : Optional.of(s);
    }

    private List<String> texts(Node n) {
        if (n == null || n.value() == null) {
            return List.of();
        }
        if (!n.isList()) {
            throw reader.error(n, "must be a list");
        }
        return n.list().stream().map(reader::text).toList();
    }

    private Map<String, String> pairs(Node n) {
        if (n == null || n.value() == null) {
            return Map.of();
        }
        if (!n.isMap()) {
            throw reader.error(n, "must be a mapping (NAME: value)");
        }
        Map<String, String> out = new LinkedHashMap<>();
        n.map().forEach((k, v) -> out.put(k, v.value() == null ? "" : reader.text(v)));
        return java.util.Collections.unmodifiableMap(out);
    }
}
