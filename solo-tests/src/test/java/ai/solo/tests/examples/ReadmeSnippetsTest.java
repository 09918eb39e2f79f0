package ai.solo.tests.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every Java snippet of the README is compiled code: each {@code // tag::NAME[]} region of
 * {@code UsingTheSdk.java}, its common indentation removed, must appear in the README as a
 * {@code ```java} block exactly, and every {@code ```java} block of the README must be one of
 * those regions. Editing either side alone fails here.
 */
class ReadmeSnippetsTest {
    private static final Path SNIPPETS = Path.of("solo-examples/src/main/java/ai/solo/examples/snippets/UsingTheSdk.java");
    private static final Pattern TAG = Pattern.compile("^\\s*// (tag|end)::([a-z0-9-]+)\\[\\]\\s*$");
    /** The snippets the "Using the SDK" section is built from. */
    private static final List<String> EXPECTED = List.of("load-and-generate", "stream", "fine-tune", "staged-recipe",
            "train-at-scale", "evaluate", "save");

    @Test
    void everyTaggedSnippetIsInTheReadmeVerbatim() throws IOException {
        Map<String, String> snippets = taggedRegions(Files.readAllLines(ExampleFixtures.repoRoot().resolve(SNIPPETS)));
        List<String> blocks = javaBlocks(Files.readAllLines(ExampleFixtures.repoRoot().resolve("README.md")));

        assertThat(snippets.keySet()).containsExactlyElementsOf(EXPECTED);
        snippets.forEach((name, code) -> assertThat(blocks)
                .as("README has a ```java block equal to the region '%s' of %s:%n%s", name, SNIPPETS, code)
                .contains(code));
    }

    @Test
    void everyJavaBlockOfTheReadmeComesFromATaggedSnippet() throws IOException {
        Map<String, String> snippets = taggedRegions(Files.readAllLines(ExampleFixtures.repoRoot().resolve(SNIPPETS)));
        List<String> blocks = javaBlocks(Files.readAllLines(ExampleFixtures.repoRoot().resolve("README.md")));

        assertThat(blocks).isNotEmpty();
        for (String block : blocks) {
            assertThat(snippets.values()).as("a ```java block of the README that is no tagged region of %s "
                    + "(move it there so it is compiled):%n%s", SNIPPETS, block).contains(block);
        }
    }

    @Test
    void extractionStripsCommonIndentationAndRejectsUnbalancedTags() {
        Map<String, String> r = taggedRegions(List.of("class A {", "    // tag::x[]", "    if (a) {", "",
            "        b();", "    }", "    // end::x[]", "}"));

        assertThat(r).containsExactly(Map.entry("x", "if (a) {\n\n    b();\n}"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> taggedRegions(List.of("// tag::y[]", "z();")))
                .hasMessageContaining("y");
    }

    /** @return each tagged region by name, in file order, with the indentation all its lines share removed */
    static Map<String, String> taggedRegions(List<String> lines) {
        Map<String, String> regions = new LinkedHashMap<>();
        String open = null;
        List<String> body = new ArrayList<>();
        for (String line : lines) {
            Matcher m = TAG.matcher(line);
            if (!m.matches()) {
                if (open != null) {
                    body.add(line);
                }
                continue;
            }
            String name = m.group(2);
            if (m.group(1).equals("tag")) {
                if (open != null) {
                    throw new IllegalStateException("tag " + name + " opens inside " + open);
                }
                open = name;
                body.clear();
            } else {
                if (!name.equals(open)) {
                    throw new IllegalStateException("end::" + name + " does not close " + open);
                }
                if (regions.put(name, dedent(body)) != null) {
                    throw new IllegalStateException("tag " + name + " appears twice");
                }
                open = null;
            }
        }
        if (open != null) {
            throw new IllegalStateException("tag " + open + " is never closed");
        }
        return regions;
    }

    private static String dedent(List<String> body) {
        int indent = body.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        List<String> out = new ArrayList<>();
        for (String line : body) {
            out.add(line.isBlank() ? "" : line.substring(indent).stripTrailing());
        }
        return String.join("\n", out);
    }

    /** @return the content of every {@code ```java} fenced block */
    static List<String> javaBlocks(List<String> readme) {
        List<String> blocks = new ArrayList<>();
        List<String> block = null;
        for (String line : readme) {
            if (block == null) {
                if (line.strip().equals("```java")) {
                    block = new ArrayList<>();
                }
            } else if (line.strip().equals("```")) {
                blocks.add(String.join("\n", block));
                block = null;
            } else {
                block.add(line);
            }
        }
        return blocks;
    }
}
