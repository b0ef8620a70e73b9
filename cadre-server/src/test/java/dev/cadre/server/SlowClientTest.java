package dev.cadre.server;

import static dev.cadre.server.Http.form;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A client that never finishes sending its request is dropped after a bounded time (no slowloris), while a
 * request that has fully arrived may take as long as its run needs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowClientTest {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    private TestBed bed;

    @BeforeAll
    void start() {
        bed = new TestBed(b -> b.requestTimeout(REQUEST_TIMEOUT));
    }

    @AfterAll
    void stop() {
        bed.close();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", bed.server.port());
        s.setSoTimeout((int) Duration.ofSeconds(60).toMillis()); // only a safety net: the server ends it first
        return s;
    }

    /** What the server sends until it closes the connection (empty if it just closes it). */
    private static String readUntilClosed(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        try {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (SocketException reset) {
            return "";
        }
    }

    private static String head(int contentLength) {
        return "POST /agents/echo/runs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: " + contentLength + "\r\n\r\n";
    }

    @Test
    void aBodyThatStopsArrivingIsDropped() throws IOException {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write((head(1000) + "message=hel").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // ...and nothing more. The server must give up on its own: this read returns when it does.
            String answer = readUntilClosed(s);
            assertThat(answer).doesNotContain("200 OK");
        }
        assertThat(bed.runManager.activeRunIds()).isEmpty();
    }

    @Test
    void headersThatNeverEndAreDropped() throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream().write("GET /sessions HTTP/1.1\r\nHost: localhost\r\nX-Slow: a".getBytes(
                    StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            assertThat(readUntilClosed(s)).doesNotContain("200 OK");
        }
    }

    @Test
    void aBodyTrickledInFarTooSlowlyIsDroppedBeforeItEnds() throws Exception {
        int length = 400;
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(head(length).getBytes(StandardCharsets.US_ASCII));
            out.write("message=".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // A byte every 100 ms: within the idle timeout each time, yet 10 bytes a second in all. The pause is
            // the client's pacing (a trickle needs one), not a wait for the server: the read below waits for that.
            Thread trickle = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 8; i < length; i++) {
                        out.write('a');
                        out.flush();
                        Thread.sleep(100);
                    }
                } catch (IOException | InterruptedException stopped) {
                    // the server closed the connection, as it should
                }
            });
            String answer = readUntilClosed(s);
            trickle.interrupt();
            trickle.join();
            assertThat(answer).doesNotContain("200 OK");
        }
    }

    @Test
    void aBodySentInPiecesThatArrivesInTimeIsServed() throws Exception {
        String body = "message=" + "a".repeat(20) + "&stream=false";
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(head(body.length()).getBytes(StandardCharsets.US_ASCII));
            out.write(body.substring(0, 10).getBytes(StandardCharsets.US_ASCII));
            out.flush(); // two pieces, as a slow network delivers them
            out.write(body.substring(10).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] status = s.getInputStream().readNBytes(12);
            assertThat(new String(status, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
        }
    }

    @Test
    void aRequestThatHasArrivedMayRunLongerThanTheRequestTimeout() {
        // Ten words at 400 ms each: twice the request timeout, with nothing on the wire meanwhile.
        Http.Response r = bed.http.postForm("/agents/echo/runs", form("message", "[slower] take your time",
                "stream", "false"));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("status").asText()).isEqualTo("COMPLETED");
    }
}
