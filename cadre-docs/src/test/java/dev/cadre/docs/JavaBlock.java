package dev.cadre.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code ```java} block of a README, as a Java source file the compiler can take.
 *
 * <p>A block that declares a type at its left margin (a test class, say) is first tried as a compilation unit, as
 * it is. Any other block — or one that does not compile as a unit, such as a record followed by statements — is
 * a fragment: its leading {@code import} lines stay imports and the rest becomes the body of a method (local
 * records and classes are legal there). What a fragment uses without showing it — the {@code model} a reader has
 * from the section before — is declared in an HTML comment right above the block, invisible on the rendered page:
 * {@code <!-- given: import dev.cadre.model.Model; Model model; -->}. Nothing else is implied: no import is
 * added, so a block that forgets one fails.
 */
record JavaBlock(Path readme, int line, String code, String given) {

    private static final Pattern BLOCK = Pattern.compile(
            "(?:<!--\\s*given:(?<given>(?:(?!-->).)*)-->[ \\t]*\\n[ \\t]*)?```java\\n(?<code>.*?)```", Pattern.DOTALL);
    private static final Pattern TOP_LEVEL_TYPE = Pattern.compile(
            "^(?:public\\s+)?(?:final\\s+|abstract\\s+|sealed\\s+)*(?:class|record|interface|enum)\\s+(\\w+)",
            Pattern.MULTILINE);

    /** The Java blocks of one README, in order. */
    static List<JavaBlock> in(Path readme) throws IOException {
        String text = Files.readString(readme);
        List<JavaBlock> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            int line = (int) text.substring(0, m.start("code")).lines().count();
            blocks.add(new JavaBlock(readme, line, m.group("code"),
                    Optional.ofNullable(m.group("given")).orElse("").trim()));
        }
        return blocks;
    }

    /** Where the block is, as {@code README.md:42}, for failure messages. */
    String where(Path root) {
        return root.relativize(readme) + ":" + line;
    }

    /** The first type the block declares at its left margin, if any: the block may be a compilation unit. */
    Optional<String> topLevelType() {
        Matcher m = TOP_LEVEL_TYPE.matcher(code);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The block as it is, a compilation unit named after its first type; empty when it declares none. */
    Optional<Source> asUnit() {
        return topLevelType().map(type -> new Source(type, code));
    }

    /** A source file: the name of its class and its text. */
    record Source(String className, String text) {
    }

    /** The block as a fragment: imports, then a class whose one method's body is the rest of the block. */
    Source asFragment(int index) {
        String name = "Fragment" + index;
        StringBuilder imports = new StringBuilder();
        StringBuilder fields = new StringBuilder();
        for (String part : given.split(";")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            (p.startsWith("import ") ? imports : fields).append(p).append(";\n");
        }
        StringBuilder body = new StringBuilder();
        boolean header = true;
        for (String l : code.lines().toList()) {
            if (header && (l.startsWith("import ") || l.isBlank())) {
                imports.append(l).append('\n');
            } else {
                header = false;
                body.append(l).append('\n');
            }
        }
        // Fields keep what is "given" definitely assigned as far as the compiler is concerned; the method may
        // throw anything, as the surrounding code of a real application would handle it.
        return new Source(name, imports + "\nclass " + name + " {\n" + fields
                + "\n@SuppressWarnings(\"unused\")\nvoid fragment() throws Exception {\n" + body + "}\n}\n");
    }
}
