package dev.cadre.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * What Maven Central requires of every published module, checked on the build's own output: this module comes
 * last in the reactor, so `mvn verify` has packaged the others when it runs.
 */
class PublishingTest {

    static final Path ROOT = ReadmeJavaTest.ROOT;

    /** The modules of the root pom that are published: not those that set cadre.publish.skip, nor the BOM itself. */
    static List<String> published() throws Exception {
        List<String> modules = new ArrayList<>();
        for (Element m : children(pom(ROOT.resolve("pom.xml")).getDocumentElement(), "modules", "module")) {
            String name = m.getTextContent().trim();
            Document pom = pom(ROOT.resolve(name).resolve("pom.xml"));
            boolean skipped = text(pom.getDocumentElement(), "properties", "cadre.publish.skip")
                    .filter("true"::equals).isPresent();
            if (!skipped && !name.equals("cadre-bom")) {
                modules.add(name);
            }
        }
        return modules;
    }

    @Test
    void theParentPomNamesWhatCentralRequires() throws Exception {
        Element parent = pom(ROOT.resolve("pom.xml")).getDocumentElement();
        assertThat(text(parent, "url")).isPresent();
        assertThat(text(parent, "licenses", "license", "name")).contains("Apache License, Version 2.0");
        assertThat(text(parent, "developers", "developer", "name")).isPresent();
        assertThat(text(parent, "scm", "connection")).hasValueSatisfying(c -> assertThat(c).startsWith("scm:git:"));
        assertThat(text(parent, "scm", "url")).isPresent();
        assertThat(ROOT.resolve("LICENSE")).isRegularFile();
    }

    @Test
    void everyPublishedModuleHasANameADescriptionAndItsSourcesAndJavadocJars() throws Exception {
        String version = version();
        assertThat(published()).hasSizeGreaterThan(10).contains("cadre-core", "cadre-testkit", "cadre-server");
        for (String module : published()) {
            Element pom = pom(ROOT.resolve(module).resolve("pom.xml")).getDocumentElement();
            assertThat(text(pom, "name")).as("%s's name", module).isPresent();
            assertThat(text(pom, "description")).as("%s's description", module).isPresent();
            Path target = ROOT.resolve(module).resolve("target");
            for (String suffix : List.of("", "-sources", "-javadoc")) {
                Path jar = target.resolve(module + "-" + version + suffix + ".jar");
                assertThat(jar).as("%s (run `mvn verify` from the root)", jar.getFileName()).isRegularFile();
            }
            try (ZipFile javadoc = new ZipFile(target.resolve(module + "-" + version + "-javadoc.jar").toFile())) {
                assertThat(javadoc.getEntry("index.html")).as("%s's Javadoc", module).isNotNull();
                assertThat(javadoc.stream().map(e -> e.getName()).filter(n -> n.contains("/internal/")))
                        .as("%s's Javadoc shows no internal package", module).isEmpty();
            }
        }
    }

    @Test
    void theBomListsEveryPublishedModuleAtTheProjectsVersionAndNothingElse() throws Exception {
        Element bom = pom(ROOT.resolve("cadre-bom").resolve("pom.xml")).getDocumentElement();
        assertThat(text(bom, "version")).contains(version());
        assertThat(children(bom, "parent")).as("the BOM has no parent: importing it imports nothing else").isEmpty();
        List<Element> managed = children(bom, "dependencyManagement", "dependencies", "dependency");
        assertThat(managed).extracting(d -> text(d, "artifactId").orElseThrow())
                .containsExactlyInAnyOrderElementsOf(published());
        assertThat(managed).allSatisfy(d -> {
            assertThat(text(d, "groupId")).contains("dev.cadre");
            assertThat(text(d, "version")).contains(version());
        });
        assertThat(text(bom, "licenses", "license", "name")).isPresent();
        assertThat(text(bom, "scm", "url")).isPresent();
    }

    private static String version() throws Exception {
        return text(pom(ROOT.resolve("pom.xml")).getDocumentElement(), "version").orElseThrow();
    }

    private static Document pom(Path file) throws Exception {
        try {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }

    /** The direct children along a path of element names. */
    private static List<Element> children(Element from, String... path) {
        List<Element> level = List.of(from);
        for (String name : path) {
            List<Element> next = new ArrayList<>();
            for (Element e : level) {
                NodeList nodes = e.getChildNodes();
                for (int i = 0; i < nodes.getLength(); i++) {
                    Node n = nodes.item(i);
                    if (n instanceof Element child && child.getTagName().equals(name)) {
                        next.add(child);
                    }
                }
            }
            level = next;
        }
        return level;
    }

    private static Optional<String> text(Element from, String... path) {
        return children(from, path).stream().findFirst().map(e -> e.getTextContent().trim()).filter(s -> !s.isEmpty());
    }
}
