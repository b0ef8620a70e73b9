package dev.cadre.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.testkit.internal.Step;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Duration;
import java.util.List;

/**
 * What differs between the APIs the fake servers speak: paths, authentication, how a scripted reply and an
 * error look on the wire. The scripting, the Netty plumbing and disconnect detection ({@link ScriptedServer}) are
 * the same for all.
 */
interface Wire {

    /** Whether the request's method and path are one this API answers (others get a 404). */
    boolean serves(RecordedRequest request);

    /** Whether the request carries {@code apiKey} the way this API sends keys. */
    boolean authorized(RecordedRequest request, String apiKey);

    /** The SSE steps of a streamed answer, its terminator and error event included. */
    List<Step> stream(Reply.Completion reply, RecordedRequest request);

    /** The body of a non-streamed answer. */
    JsonNode body(Reply.Completion reply, RecordedRequest request);

    /** How long a non-streamed answer takes before its body is sent: as long as streaming it would. */
    Duration delay(Reply.Completion reply, RecordedRequest request);

    /** The error body of this API for {@code error}. */
    JsonNode errorBody(Reply.Error error, RecordedRequest request);

    /** Headers every answer carries (request ids and the like). */
    void commonHeaders(HttpHeaders headers, RecordedRequest request);

    /** The answer to a wrong or missing key. */
    Reply.Error unauthorized();

    /** The answer to an unknown path. */
    Reply.Error notFound(RecordedRequest request);

    /** The answer to a body that is not JSON. */
    Reply.Error unparsable();

    /** The answer when the server itself fails, or the script asks for a failure a non-stream cannot show. */
    Reply.Error serverError(String code, String message);
}
