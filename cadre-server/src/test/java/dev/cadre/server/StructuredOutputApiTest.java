package dev.cadre.server;

import static dev.cadre.server.Http.form;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.testkit.RecordedRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** AgentOS's {@code output_schema} form field: the answer is JSON of that schema, sent as an object. */
class StructuredOutputApiTest extends AgainstOneServer {

    private static final String SCHEMA = "{\"title\":\"Answer\",\"type\":\"object\","
            + "\"properties\":{\"answer\":{\"type\":\"string\"},\"score\":{\"type\":\"integer\"}},"
            + "\"required\":[\"answer\",\"score\"]}";

    @Test
    void aBlockingRunAnswersWithTheObjectAndItsSchemasName() {
        Http.Response r = http.postForm("/agents/echo/runs", form("message", "[json]{\"answer\":\"forty-two\",\"score\":42}",
                "stream", "false", "output_schema", SCHEMA));

        assertThat(r.status()).isEqualTo(200);
        JsonNode out = r.json();
        assertThat(out.get("content_type").asText()).isEqualTo("Answer");
        assertThat(out.get("content").isObject()).isTrue();
        assertThat(out.get("content").get("score").asInt()).isEqualTo(42);
        RecordedRequest sent = bed.awaitModelCall("forty-two");
        assertThat(sent.body().path("response_format").path("json_schema").path("name").asText()).isEqualTo("Answer");

        JsonNode stored = http.get("/runs/" + out.get("run_id").asText()).json();
        assertThat(stored.get("content").get("answer").asText()).isEqualTo("forty-two");
        assertThat(stored.get("content_type").asText()).isEqualTo("Answer");
    }

    @Test
    void aStreamedRunSendsRawTextThenTheObjectInItsCompletion() {
        Http.Response r = http.postForm("/agents/echo/runs", form("message", "[json]{\"answer\":\"streamed\",\"score\":1}",
                "stream", "true", "output_schema", SCHEMA));

        List<JsonNode> events = Sse.lineBased(r.body());
        assertThat(events).filteredOn(e -> e.get("event").asText().equals("RunContent"))
                .allSatisfy(e -> assertThat(e.get("content").isTextual()).isTrue());
        JsonNode completed = events.getLast();
        assertThat(completed.get("event").asText()).isEqualTo("RunCompleted");
        assertThat(completed.get("content_type").asText()).isEqualTo("Answer");
        assertThat(completed.get("content").get("answer").asText()).isEqualTo("streamed");
    }

    @Test
    void anAnswerThatStillDoesNotFitAfterTheCorrectiveTurnEndsTheRunError() {
        Http.Response r = http.postForm("/agents/echo/runs", form("message", "[json]{\"answer\":\"no score\"}",
                "stream", "false", "output_schema", SCHEMA));

        JsonNode out = r.json();
        assertThat(out.get("status").asText()).isEqualTo("ERROR");
        // The corrective turn's answer (the fake echoes the correction) is not JSON at all.
        assertThat(out.get("content").asText()).contains("'Answer'").contains("not JSON");
        assertThat(bed.awaitModelCall("did not match").lastUserMessage().orElseThrow()).contains("score");
        assertThat(out.get("content_type").asText()).isEqualTo("str");
    }

    @Test
    void aSchemaThatIsNotJsonOrNotAnObjectSchemaIs400() {
        Http.Response notJson = http.postForm("/agents/echo/runs", form("message", "hi", "stream", "false",
                "output_schema", "{type: object"));
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.json().get("detail").asText()).startsWith("output_schema is not valid JSON");

        Http.Response notObject = http.postForm("/agents/echo/runs", form("message", "hi", "stream", "false",
                "output_schema", "{\"type\":\"string\"}"));
        assertThat(notObject.status()).isEqualTo(400);
        assertThat(notObject.json().get("detail").asText()).contains("\"object\"");
    }
}
