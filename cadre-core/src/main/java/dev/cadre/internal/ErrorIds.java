package dev.cadre.internal;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Short ids that tie a message shown to a user to the log line with the details (hosts, files, stack
 * traces) that must not be shown.
 */
public final class ErrorIds {

    private ErrorIds() {
    }

    /** A new id: eight hexadecimal characters. */
    public static String next() {
        return String.format("%08x", ThreadLocalRandom.current().nextInt());
    }
}
