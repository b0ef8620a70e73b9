package dev.cadre.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** Every Java block of every README compiles against Cadre's modules: the docs cannot drift from the code. */
class ReadmeJavaTest {

    static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @TempDir
    Path out;

    static List<Path> readmes() throws IOException {
        List<Path> all = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> dirs = Files.list(ROOT)) {
            dirs.filter(d -> d.getFileName().toString().startsWith("cadre-"))
                    .map(d -> d.resolve("README.md")).filter(Files::isRegularFile).sorted().forEach(all::add);
        }
        return all;
    }

    static List<JavaBlock> blocks() throws IOException {
        List<JavaBlock> all = new ArrayList<>();
        for (Path readme : readmes()) {
            all.addAll(JavaBlock.in(readme));
        }
        return all;
    }

    @Test
    void theReadmesHaveJavaBlocksToCheck() throws IOException {
        // Guards the extraction itself: a changed fence style must not make the check pass on nothing.
        assertThat(JavaBlock.in(ROOT.resolve("README.md"))).hasSizeGreaterThan(10);
        assertThat(readmes()).hasSizeGreaterThan(10);
    }

    @Test
    void aBrokenBlockIsReportedWithItsPlace() {
        JavaBlock broken = new JavaBlock(ROOT.resolve("README.md"), 7, "Agent a = Agent.builder().build();\n", "");
        List<String> errors = compile(broken, broken.asFragment(0));
        assertThat(errors).isNotEmpty().allSatisfy(e -> assertThat(e).startsWith("README.md:7 "));
        assertThat(errors).anySatisfy(e -> assertThat(e).contains("cannot find symbol").contains("class Agent"));
    }

    @TestFactory
    Stream<DynamicTest> everyJavaBlockCompiles() throws IOException {
        List<JavaBlock> blocks = blocks();
        return Stream.iterate(0, i -> i < blocks.size(), i -> i + 1).map(i -> {
            JavaBlock b = blocks.get(i);
            return DynamicTest.dynamicTest(b.where(ROOT), () -> {
                if (b.asUnit().isPresent() && compile(b, b.asUnit().get()).isEmpty()) {
                    return;
                }
                JavaBlock.Source fragment = b.asFragment(i);
                assertThat(compile(b, fragment)).as("the Java block at %s compiles:%n%s", b.where(ROOT),
                        fragment.text()).isEmpty();
            });
        });
    }

    /** The compiler's errors for the block's source, each prefixed with the block's place and the line in it. */
    List<String> compile(JavaBlock block, JavaBlock.Source source) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> errors = new DiagnosticCollector<>();
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///" + source.className() + ".java"),
                JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source.text();
            }
        };
        List<String> options = List.of("--release", "21", "-proc:none", "-d", out.toString(),
                "-classpath", System.getProperty("java.class.path"));
        javac.getTask(new StringWriter(), null, errors, options, null, List.of(file)).call();
        return errors.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                .map(d -> block.where(ROOT) + " (line " + d.getLineNumber() + " of the compiled source): "
                        + d.getMessage(null))
                .toList();
    }
}
