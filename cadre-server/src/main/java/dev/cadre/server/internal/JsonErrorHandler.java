package dev.cadre.server.internal;

import dev.cadre.json.CadreJson;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers itself, before a route sees the request (a URI with an encoded NUL, a header too
 * large, a body too slow), in AgentOS's shape: {@code {"detail": "..."}} as JSON, never an HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
            Callback callback) {
        String reason = HttpStatus.getMessage(code);
        String detail = message == null || message.isBlank() || message.equals(reason) ? reason
                : reason + ": " + message;
        if (code == 400) {
            detail += " (the request is not valid HTTP, or its URI holds a character that is not allowed, such as an"
                    + " encoded NUL)";
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        String body = "{\"detail\":" + CadreJson.write(detail) + "}";
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }
}
