package dev.cadre.cli.internal;

import java.io.PrintStream;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Output for people: colours and a spinner on a terminal, plain lines when piped.
 *
 * <p>Whether stdout is a terminal comes from the {@code cadre.tty} system property (the launcher sets
 * it from {@code [ -t 1 ]}); colours are also off with {@code NO_COLOR} set or {@code TERM=dumb}.
 */
public final class Console {

    private static final String[] FRAMES = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};

    private final PrintStream out;
    private final boolean terminal;
    private final boolean color;
    /** Whether a spinner frame is on the current line now (guarded by this). */
    private boolean spinnerDrawn;

    public Console(PrintStream out, boolean terminal, boolean color) {
        this.out = out;
        this.terminal = terminal;
        this.color = color;
    }

    /** The console of this process, as the environment describes it. */
    public static Console system() {
        boolean tty = Boolean.parseBoolean(System.getProperty("cadre.tty", "false"));
        boolean color = tty && System.getenv("NO_COLOR") == null && !"dumb".equals(System.getenv("TERM"));
        return new Console(System.out, tty, color);
    }

    /** A console that prints plain text to {@code out}; for tests and for piped output. */
    public static Console plain(PrintStream out) {
        return new Console(out, false, false);
    }

    public PrintStream out() {
        return out;
    }

    public boolean isTerminal() {
        return terminal;
    }

    /** Prints a line; a spinner frame on the current line is erased first, so that no stale status stays behind. */
    public synchronized void println(String line) {
        eraseSpinner();
        out.println(line);
    }

    public synchronized void print(String text) {
        eraseSpinner();
        out.print(text);
        out.flush();
    }

    private void eraseSpinner() {
        if (spinnerDrawn) {
            out.print("\r\u001b[2K");
            spinnerDrawn = false;
        }
    }

    public String bold(String s) {
        return paint("1", s);
    }

    public String dim(String s) {
        return paint("2", s);
    }

    public String green(String s) {
        return paint("32", s);
    }

    public String red(String s) {
        return paint("31", s);
    }

    public String yellow(String s) {
        return paint("33", s);
    }

    public String cyan(String s) {
        return paint("36", s);
    }

    private String paint(String code, String s) {
        return color ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
    }

    /**
     * Shows {@code label} with a spinner and the elapsed time until the returned spinner is closed
     * (on a terminal; elsewhere it shows nothing, so piped output stays clean).
     */
    public Spinner spinner(Supplier<String> label) {
        return new Spinner(label);
    }

    /** A running spinner line; {@link #close()} erases it. */
    public final class Spinner implements AutoCloseable {
        private final long started = System.nanoTime();
        private final Thread thread;
        private volatile boolean done;

        private Spinner(Supplier<String> label) {
            if (!terminal) {
                thread = null;
                return;
            }
            thread = Thread.ofVirtual().start(() -> {
                int frame = 0;
                while (!done) {
                    String text = FRAMES[frame++ % FRAMES.length] + " " + label.get() + " "
                            + dim(seconds(Duration.ofNanos(System.nanoTime() - started)));
                    synchronized (Console.this) {
                        if (done) {
                            return;
                        }
                        out.print("\r\u001b[2K" + cyan(text));
                        out.flush();
                        spinnerDrawn = true;
                    }
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        public Duration elapsed() {
            return Duration.ofNanos(System.nanoTime() - started);
        }

        @Override
        public void close() {
            done = true;
            if (thread != null) {
                thread.interrupt();
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                synchronized (Console.this) {
                    eraseSpinner();
                    out.flush();
                }
            }
        }
    }

    /** {@code 1.2s}. */
    public static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }
}
