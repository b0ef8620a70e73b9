package dev.cadre.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The console on a terminal: a line printed while a spinner shows replaces the spinner's frame. */
class ConsoleTest {

    private static final String ERASE = "\r\u001b[2K";

    @Test
    void aLinePrintedUnderASpinnerErasesItsFrameFirstSoNoStaleStatusStaysBehind() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Console console = new Console(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, false);
        // The spinner asks for its label before each frame: the second ask comes after the first frame is drawn.
        CountDownLatch frames = new CountDownLatch(2);
        try (var spinner = console.spinner(() -> {
            frames.countDown();
            return "PENDING";
        })) {
            assertThat(frames.await(30, TimeUnit.SECONDS)).isTrue();
            console.println("  → RUNNING");
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("PENDING").contains(ERASE + "  → RUNNING\n");
        // What a terminal keeps of each line: the text after the line's last erase.
        for (String line : out.split("\n")) {
            String shown = line.substring(line.lastIndexOf(ERASE) < 0 ? 0 : line.lastIndexOf(ERASE) + ERASE.length());
            assertThat(shown).doesNotContain("PENDING");
        }
    }
}
