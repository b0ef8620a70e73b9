package dev.cadre.server.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ${VAR}} and {@code ${VAR:-default}} in a config file. They are swapped for plain placeholders before
 * the YAML is parsed — their braces would otherwise end a flow mapping such as {@code {api_key: ${KEY}}} — and
 * resolved value by value from the environment afterwards, so an unset variable is reported on its own line.
 */
final class EnvPlaceholders {

    private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");
    private static final Pattern PLACEHOLDER = Pattern.compile("__cadre_var_(\\d+)__");

    /** A variable's name and its default (null when it has none). */
    private record Var(String name, String fallback) {
    }

    private final List<Var> vars;
    private final Map<String, String> env;
    private final String text;

    private EnvPlaceholders(List<Var> vars, Map<String, String> env, String text) {
        this.vars = vars;
        this.env = env;
        this.text = text;
    }

    /** Swaps every variable of {@code yaml} for a placeholder; {@link #text()} is the YAML to parse. */
    static EnvPlaceholders swap(String yaml, Map<String, String> env) {
        List<Var> vars = new ArrayList<>();
        Matcher m = VAR.matcher(yaml);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            vars.add(new Var(m.group(1), m.group(2) == null ? null : m.group(3)));
            m.appendReplacement(out, "__cadre_var_" + (vars.size() - 1) + "__");
        }
        m.appendTail(out);
        return new EnvPlaceholders(List.copyOf(vars), env, out.toString());
    }

    String text() {
        return text;
    }

    /**
     * {@code value} with its placeholders replaced from the environment (a variable set to "" counts as
     * unset), trimmed.
     *
     * @param error makes the exception for an unset variable without a default, from a message
     */
    String resolve(String value, Function<String, ConfigException> error) {
        Matcher m = PLACEHOLDER.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Var var = vars.get(Integer.parseInt(m.group(1)));
            String resolved = env.get(var.name());
            if (resolved == null || resolved.isEmpty()) {
                if (var.fallback() == null) {
                    throw error.apply("the environment variable " + var.name() + " is not set");
                }
                resolved = var.fallback();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(resolved));
        }
        m.appendTail(out);
        return out.toString().trim();
    }
}
