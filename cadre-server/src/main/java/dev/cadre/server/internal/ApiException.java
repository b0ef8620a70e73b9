package dev.cadre.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

/** An HTTP error answered as AgentOS does: {@code {"detail": ...}} with the status. */
public final class ApiException extends RuntimeException {

    private final int status;
    private final transient JsonNode detail;

    public ApiException(int status, String detail) {
        this(status, TextNode.valueOf(detail));
    }

    public ApiException(int status, JsonNode detail) {
        super(detail.isTextual() ? detail.asText() : detail.toString(), null, false, false);
        this.status = status;
        this.detail = detail;
    }

    public int status() {
        return status;
    }

    public JsonNode detail() {
        return detail;
    }
}
