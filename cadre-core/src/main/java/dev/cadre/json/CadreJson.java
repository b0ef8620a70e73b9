package dev.cadre.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import dev.cadre.event.RunEvent;
import dev.cadre.run.RunResult;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

/**
 * Cadre's JSON format, which is Agno's: snake_case field names, absent values left out, times as
 * epoch seconds, durations as seconds (with a fraction, like Python floats), events with their name
 * in an {@code event} field.
 *
 * <pre>{@code
 * String json = CadreJson.write(event);   // {"event":"TeamRunContent","created_at":...,"run_id":...}
 * RunEvent back = CadreJson.readEvent(json);
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class CadreJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .serializationInclusion(JsonInclude.Include.NON_ABSENT)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .addModule(new Jdk8Module())
            .addModule(timeModule())
            .build();

    /** Structured answers are read with the names of their schema, which are the record's own (not snake_case). */
    private static final ObjectMapper STRUCTURED = JsonMapper.builder()
            .addModule(new Jdk8Module())
            .build();

    private CadreJson() {
    }

    /**
     * The mapper that reads structured answers into records: property names as in the record (and its output
     * schema), unknown properties an error. Shared: do not reconfigure it.
     */
    public static ObjectMapper structuredMapper() {
        return STRUCTURED;
    }

    /**
     * The configured mapper, for code that builds on Cadre's format (stores, the HTTP server).
     * Shared: do not reconfigure it; {@link ObjectMapper#copy()} it instead.
     */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Compact one-line JSON of an event, a run, or any value made of Cadre's types. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot write " + value.getClass().getSimpleName() + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    public static JsonNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }

    /** Reads an event written by {@link #write}; the {@code event} field picks its type. */
    public static RunEvent readEvent(String json) {
        return read(json, RunEvent.class);
    }

    /** Reads a run written by {@link #write}: a {@code RunOutput} or, when it has a team id, a {@code TeamRunOutput}. */
    public static RunResult readRun(String json) {
        return read(json, RunResult.class);
    }

    public static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Not a valid " + type.getSimpleName() + " JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static SimpleModule timeModule() {
        SimpleModule m = new SimpleModule("cadre-time");
        m.addSerializer(Instant.class, new JsonSerializer<>() {
            @Override
            public void serialize(Instant value, JsonGenerator gen, SerializerProvider p) throws IOException {
                gen.writeNumber(value.getEpochSecond());
            }
        });
        m.addDeserializer(Instant.class, new JsonDeserializer<>() {
            @Override
            public Instant deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                if (p.currentToken() == com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
                    // AgentOS's summaries write times as ISO-8601 text; accept them too.
                    try {
                        return java.time.OffsetDateTime.parse(p.getText()).toInstant();
                    } catch (java.time.format.DateTimeParseException e) {
                        return Instant.parse(p.getText());
                    }
                }
                BigDecimal seconds = p.getDecimalValue();
                return Instant.ofEpochSecond(seconds.longValue(),
                        seconds.remainder(BigDecimal.ONE).movePointRight(9).longValue());
            }
        });
        m.addSerializer(Duration.class, new JsonSerializer<>() {
            @Override
            public void serialize(Duration value, JsonGenerator gen, SerializerProvider p) throws IOException {
                gen.writeNumber(seconds(value.getSeconds(), value.getNano()));
            }
        });
        m.addDeserializer(Duration.class, new JsonDeserializer<>() {
            @Override
            public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                return Duration.ofNanos(p.getDecimalValue().movePointRight(9).longValue());
            }
        });
        return m;
    }

    /**
     * Seconds to the nanosecond, always with a fraction ({@code 2.0}, not {@code 2}): Agno writes Python
     * floats, and exact digits let values read back unchanged.
     */
    private static BigDecimal seconds(long seconds, int nanos) {
        BigDecimal s = BigDecimal.valueOf(seconds).add(BigDecimal.valueOf(nanos, 9)).stripTrailingZeros();
        return s.scale() < 1 ? s.setScale(1) : s;
    }

    /**
     * Writes an {@link Instant} as epoch seconds with their fraction, for the few times Agno writes as
     * floats (a tool call's start and end) rather than whole seconds. Reads back with the usual reader.
     */
    public static final class PreciseEpochSeconds extends JsonSerializer<Instant> {
        @Override
        public void serialize(Instant value, JsonGenerator gen, SerializerProvider p) throws IOException {
            gen.writeNumber(seconds(value.getEpochSecond(), value.getNano()));
        }
    }
}
