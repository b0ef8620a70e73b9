package dev.cadre.gemini.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.model.ToolCall;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The in-memory store of Gemini 3's thought signatures: found by call, bounded, least recently used out. */
class ThoughtSignaturesTest {

    private static byte[] sig(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aSignatureIsFoundByTheCallsIdOrByItsNameAndArgumentsInAnyKeyOrder() {
        ThoughtSignatures signatures = new ThoughtSignatures(10);
        signatures.remember(new ToolCall("fc_1", "book", "{\"city\":\"Oslo\",\"nights\":2}"), sig("s1"));

        assertThat(signatures.recall(new ToolCall("fc_1", "book", "{}"))).hasValueSatisfying(
                s -> assertThat(s).isEqualTo(sig("s1")));
        assertThat(signatures.recall(new ToolCall("other-id", "book", "{\"nights\":2,\"city\":\"Oslo\"}")))
                .as("same call under another id").hasValueSatisfying(s -> assertThat(s).isEqualTo(sig("s1")));
        assertThat(signatures.recall(new ToolCall("other-id", "book", "{\"city\":\"Rome\",\"nights\":2}"))).isEmpty();
    }

    @Test
    void holdsAtMostItsCapacityDroppingTheLeastRecentlyUsed() {
        ThoughtSignatures signatures = new ThoughtSignatures(2);
        ToolCall a = new ToolCall("a", "f", "{\"n\":1}");
        ToolCall b = new ToolCall("b", "f", "{\"n\":2}");
        ToolCall c = new ToolCall("c", "f", "{\"n\":3}");
        signatures.remember(a, sig("a"));
        signatures.remember(b, sig("b"));
        signatures.recall(a);

        signatures.remember(c, sig("c"));

        assertThat(signatures.size()).isEqualTo(2);
        assertThat(signatures.recall(a)).isPresent();
        assertThat(signatures.recall(b)).as("the least recently used").isEmpty();
        assertThat(signatures.recall(c)).isPresent();
    }

    @Test
    void handsOutCopiesSoNoCallerCanChangeAStoredSignature() {
        ThoughtSignatures signatures = new ThoughtSignatures(1);
        ToolCall call = new ToolCall("a", "f", "{}");
        signatures.remember(call, sig("abc"));

        signatures.recall(call).orElseThrow()[0] = 'X';

        assertThat(signatures.recall(call).orElseThrow()).isEqualTo(sig("abc"));
    }
}
