package dev.cadre.mcp;

/**
 * An MCP server could not be used: it could not be started or reached, it failed to initialize, it exited, or
 * its tools cannot be offered to a model as they are (a name the model APIs reject, a filter naming a tool the
 * server does not have). The message names the server and says what to change.
 */
public class McpException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public McpException(String message) {
        super(message);
    }

    public McpException(String message, Throwable cause) {
        super(message, cause);
    }
}
