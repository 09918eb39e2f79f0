package ai.solo.tests.examples;

import static org.assertj.core.api.Assertions.assertThat;

import ai.solo.SoloModel;
import ai.solo.examples.chat.ConsoleChat;
import ai.solo.generate.Conversation;
import ai.solo.generate.GenerationConfig;
import ai.solo.generate.Generator;
import ai.solo.generate.Prompt;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console chat example, driven by scripted input. */
class ConsoleChatTest {
    @TempDir
    Path dir;

    private SoloModel model;
    private Path image;
    private final StringWriter out = new StringWriter();

    @BeforeEach
    void loadTinyModel() {
        model = SoloModel.load(ExampleFixtures.tinyCheckpoint(dir.resolve("model")));
        image = ExampleFixtures.png(dir.resolve("shape.png"), 64, 48, 2);
    }

    @AfterEach
    void close() {
        model.close();
    }

    private ConsoleChat.Transcript chat(String input) {
        return ConsoleChat.chat(Generator.create(model), image, GenerationConfig.builder().maxNewTokens(6).build(),
                new BufferedReader(new StringReader(input)), new PrintWriter(out));
    }

    @Test
    void twoTurnsKeepTheImageInTheFirstAndResetStartsOver() {
        ConsoleChat.Transcript t = chat("What shape is this?\nAnd its colour?\n/reset\nWhat shape is this?\n/exit\nnever read\n");

        List<Conversation> asked = t.asked();
        assertThat(asked).extracting(c -> c.messages().size()).containsExactly(1, 3, 1);
        Conversation second = asked.get(1);
        assertThat(second.messages().get(0).content().parts().get(0)).isInstanceOf(Prompt.Image.class);
        assertThat(second.messages().get(1).text()).isEqualTo(t.answers().get(0));   // the first answer, as history
        assertThat(second.messages().get(2).content().parts()).noneMatch(p -> p instanceof Prompt.Image);
        assertThat(t.answers().get(2)).isEqualTo(t.answers().get(0));               // greedy: same question, same answer
        assertThat(t.errors()).isZero();
        assertThat(out.toString()).contains("(conversation cleared)").contains(t.answers().get(1));
    }

    @Test
    void badImagesAreReportedAndTheChatGoesOn() throws IOException {
        Path broken = Files.writeString(dir.resolve("broken.png"), "not a picture");
        Path missing = dir.resolve("missing.png");

        ConsoleChat.Transcript t = chat("/image " + broken + "\nHello?\n/image " + missing + "\n/image " + image
                + "\nHello?\n");

        assertThat(t.errors()).isEqualTo(2);
        assertThat(out.toString()).contains("error: ").contains("broken.png").contains("no image file at " + missing);
        assertThat(t.asked()).hasSize(1);
        Prompt.Part first = t.asked().get(0).messages().get(0).content().parts().get(0);
        assertThat(((Prompt.FileImage) ((Prompt.Image) first).source()).path()).isEqualTo(image);
    }
}
