package dev.cadre.jdbc.internal;

import java.util.regex.Pattern;

/** Removes passwords from text that may end up in a message or a log: database URLs, connection strings. */
public final class Redact {

    /** {@code scheme://user:password@host} → {@code scheme://user:***@host}. */
    private static final Pattern USER_INFO = Pattern.compile("(?i)([a-z][a-z0-9+.-]*://[^/:@\\s]*):[^@/\\s]*@");
    /** {@code password=...} in a query string or key-value connection string. */
    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)((?:^|[?&;\\s])(?:password|pwd)=)[^&;\\s]*");

    private Redact() {
    }

    /** {@code text} with every password it holds replaced by {@code ***}. */
    public static String secrets(String text) {
        if (text == null) {
            return null;
        }
        String s = USER_INFO.matcher(text).replaceAll("$1:***@");
        return PASSWORD_PARAM.matcher(s).replaceAll("$1***");
    }
}
