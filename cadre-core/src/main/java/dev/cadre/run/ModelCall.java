package dev.cadre.run;

import dev.cadre.model.Usage;
import java.time.Duration;
import java.util.Optional;

/**
 * How one model request went, for {@link RunListener#modelRequestEnded}. Immutable.
 *
 * @param modelId the model's id, as sent to the provider
 * @param provider the model's provider ({@code OpenAI}, say)
 * @param usage the tokens the provider reported ({@link Usage#NONE} when the request failed or was aborted)
 * @param timeToFirstToken from the request to its first text (else its first chunk of any kind)
 * @param duration from the request to its end
 * @param error why it failed; empty when it answered or was aborted
 * @param aborted whether the run's cancel aborted it
 */
public record ModelCall(String modelId, String provider, Usage usage, Optional<Duration> timeToFirstToken,
        Duration duration, Optional<String> error, boolean aborted) {
}
