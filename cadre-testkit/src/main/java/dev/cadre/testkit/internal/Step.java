package dev.cadre.testkit.internal;

import java.time.Duration;

/** One step of a scripted streamed response. Not public API. */
public sealed interface Step {

    /** Wait before this step runs. */
    Duration delay();

    /**
     * Writes one piece of the SSE body.
     *
     * @param token whether this piece carries model output (text or argument fragment); used to cut
     *     a stream after N chunks
     */
    record Write(Duration delay, String text, boolean token) implements Step {
    }

    /** Ends the body normally (the last chunk of the chunked encoding). */
    record End(Duration delay) implements Step {
    }

    /** Sends nothing more: the connection stays open until the client leaves. */
    record Hold(Duration delay) implements Step {
    }

    /** Resets the TCP connection without ending the body. */
    record Reset(Duration delay) implements Step {
    }
}
