package dev.cadre.testkit.internal.mcp;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Standard input as the SDK's stdio transport reads it, with each line (one JSON-RPC message) also handed to a
 * tap as the bytes pass, and the end of the input reported (the client has gone).
 */
final class TappedInput extends FilterInputStream {

    private final Consumer<String> lines;
    private final Runnable atEnd;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    TappedInput(InputStream in, Consumer<String> lines, Runnable atEnd) {
        super(in);
        this.lines = lines;
        this.atEnd = atEnd;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b < 0) {
            atEnd.run();
        } else {
            see(b);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n < 0) {
            atEnd.run();
        }
        for (int i = 0; i < n; i++) {
            see(buffer[offset + i]);
        }
        return n;
    }

    private synchronized void see(int b) {
        if (b == '\n') {
            lines.accept(line.toString(StandardCharsets.UTF_8));
            line.reset();
        } else {
            line.write(b);
        }
    }
}
