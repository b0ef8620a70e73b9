package dev.cadre.model.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ModelOptionsTest {

    @Test
    void aMissingIdNamesAnExampleAndABlankOneIsRejected() {
        assertThatThrownBy(() -> ModelOptions.requireId(null, "gpt-5.2-mini"))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("id: the model id, for example gpt-5.2-mini");
        assertThatThrownBy(() -> ModelOptions.requireId("  ", "gpt-5.2-mini"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("id must not be blank");
        assertThat(ModelOptions.requireId("gpt-5.2-mini", "x")).isEqualTo("gpt-5.2-mini");
    }

    @Test
    void timeoutsMustBePositive() {
        assertThat(ModelOptions.positive(Duration.ofSeconds(5), "timeout")).isEqualTo(Duration.ofSeconds(5));
        assertThatThrownBy(() -> ModelOptions.positive(Duration.ZERO, "timeout"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("timeout must be positive: PT0S");
        assertThatThrownBy(() -> ModelOptions.positive(null, "connectTimeout"))
                .isInstanceOf(NullPointerException.class).hasMessage("connectTimeout");
    }

    @Test
    void retriesMayBeZeroButNotNegative() {
        assertThat(ModelOptions.maxRetries(0)).isZero();
        assertThatThrownBy(() -> ModelOptions.maxRetries(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxRetries must be >= 0");
    }

    @Test
    void theFirstSetValueWinsAndUnsetOrBlankOnesAreSkipped() {
        assertThat(ModelOptions.firstSet(null, " ", "from-env", "later")).contains("from-env");
        assertThat(ModelOptions.firstSet("given", "from-env")).contains("given");
        assertThat(ModelOptions.firstSet(null, "")).isEmpty();
    }
}
