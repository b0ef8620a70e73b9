package dev.cadre.model.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.model.ModelException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class ModelFailuresTest {

    private static final String WHERE = "http://models.example:8080/v1";

    private static RuntimeException sdkFailure(IOException cause) {
        return new UncheckedIOException("request failed", cause);
    }

    @Test
    void aRefusedConnectionAsksWhetherTheServerRunsAndCountsTheAttempts() {
        assertThat(ModelFailures.transport(sdkFailure(new ConnectException("refused")), WHERE, 3))
                .hasValueSatisfying(e -> {
                    assertThat(e.errorType()).isEqualTo("connection_error");
                    assertThat(e.getMessage()).isEqualTo("Could not connect to " + WHERE
                            + " (connection refused after 3 attempts). Is the server running, and is the base URL"
                            + " right?");
                });
    }

    @Test
    void anUnknownHostPointsAtTheBaseUrl() {
        assertThat(ModelFailures.transport(sdkFailure(new UnknownHostException("models.example")), WHERE, 1))
                .hasValueSatisfying(e -> assertThat(e.getMessage())
                        .isEqualTo("Could not resolve the host of " + WHERE + ". Check the base URL."));
    }

    @Test
    void aTimeoutSaysWhichOptionToRaise() {
        assertThat(ModelFailures.transport(sdkFailure(new InterruptedIOException("timeout")), WHERE, 1))
                .hasValueSatisfying(e -> {
                    assertThat(e.errorType()).isEqualTo("timeout_error");
                    assertThat(e.getMessage()).isEqualTo("The request to " + WHERE
                            + " timed out. Raise timeout(...) or check the server.");
                });
    }

    @Test
    void otherFailuresAreLeftToTheModel() {
        assertThat(ModelFailures.transport(sdkFailure(new IOException("reset")), WHERE, 1)).isEmpty();
    }

    @Test
    void aStreamThatBreaksMidwaySaysSoAndOtherFailuresKeepTheModelsWords() {
        RuntimeException reset = sdkFailure(new IOException("connection reset"));
        ModelException connection = new ModelException("The connection failed", "connection_error", reset);
        ModelException server = new ModelException("HTTP 500", "server_error", reset);

        assertThat(ModelFailures.brokenStream(connection, reset, WHERE).getMessage())
                .isEqualTo("The connection to " + WHERE + " broke in the middle of the stream: connection reset");
        assertThat(ModelFailures.brokenStream(server, reset, WHERE)).isSameAs(server);
    }

    @Test
    void aCancelledCallHasItsOwnErrorType() {
        IllegalStateException cause = new IllegalStateException("closed");
        assertThat(ModelFailures.cancelled().errorType()).isEqualTo(ModelFailures.CANCELLED);
        assertThat(ModelFailures.cancelled(cause)).hasCause(cause).hasMessage("The model call was cancelled.");
    }

    @Test
    void attemptsAreCountedOnlyWhenThereWasMoreThanOne() {
        assertThat(ModelFailures.afterAttempts(1)).isEmpty();
        assertThat(ModelFailures.afterAttempts(3)).isEqualTo(" after 3 attempts");
    }
}
