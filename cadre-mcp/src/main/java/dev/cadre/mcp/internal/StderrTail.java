package dev.cadre.mcp.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

/**
 * The last lines a stdio server wrote to its stderr, for the message when it fails to start or exits: the
 * reason is usually there. Each line also goes on to the user's consumer. Thread-safe.
 */
final class StderrTail implements Consumer<String> {

    private static final int LINES = 8;

    private final Deque<String> lines = new ArrayDeque<>();
    private final Consumer<String> next;

    StderrTail(Consumer<String> next) {
        this.next = next;
    }

    @Override
    public void accept(String line) {
        synchronized (lines) {
            if (lines.size() == LINES) {
                lines.removeFirst();
            }
            lines.addLast(line);
        }
        next.accept(line);
    }

    /** "; its stderr ended with: ..." or nothing when it wrote none. */
    String suffix() {
        synchronized (lines) {
            return lines.isEmpty() ? "" : "; its stderr ended with:\n" + String.join("\n", lines);
        }
    }
}
