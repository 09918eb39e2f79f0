package ai.solo.impl.train.data;

import static ai.solo.impl.train.data.DataFixtures.all;
import static ai.solo.impl.train.data.DataFixtures.origins;
import static ai.solo.impl.train.data.DataFixtures.turns;
import static ai.solo.impl.train.data.DataFixtures.write;
import static ai.solo.impl.train.data.DataFixtures.writeGzip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.solo.InvalidInputException;
import ai.solo.train.DataFormat;
import ai.solo.train.MalformedRecords;
import ai.solo.train.SampleSource;
import ai.solo.train.TrainingSample;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextReaderTest {
    @TempDir
    Path dir;

    private static List<TrainingSample> read(Path file, MalformedRecords policy) {
        try (SampleSource source = SampleReaders.read(DataFormat.TEXT, file, null, policy)) {
            return all(source);
        }
    }

    @Test
    void readsOneSamplePerNonBlankLine() throws Exception {
        Path file = write(dir.resolve("corpus.txt"), "\uFEFFfirst line\r\n\n   \nsecond  line \nlast without newline");

        List<TrainingSample> samples = read(file, MalformedRecords.FAIL);

        assertThat(origins(samples)).containsExactly("corpus.txt:1", "corpus.txt:4", "corpus.txt:5");
        assertThat(samples).extracting(TrainingSample::kind).containsOnly(TrainingSample.Kind.TEXT);
        assertThat(samples).extracting(s -> turns(s)).containsExactly(
                List.of("ASSISTANT:first line"), List.of("ASSISTANT:second  line "), List.of("ASSISTANT:last without newline"));
    }

    @Test
    void readsJsonlTextRecordsByExtension() throws Exception {
        Path file = write(dir.resolve("corpus.jsonl"), "{\"text\": \"héllo\\nworld\"}\n{\"text\": \"\"}\n{\"text\": \"bye\"}\n");

        try (SampleSource source = SampleReaders.read(DataFormat.TEXT, file, null, MalformedRecords.SKIP)) {
            List<TrainingSample> samples = all(source);

            assertThat(samples).extracting(s -> turns(s))
                    .containsExactly(List.of("ASSISTANT:héllo\nworld"), List.of("ASSISTANT:bye"));
            assertThat(source.skippedRecords()).isEqualTo(1);
        }
    }

    @Test
    void readsGzippedPlainTextAndJsonl() throws Exception {
        Path text = writeGzip(dir.resolve("corpus.txt.gz"), "one\ntwo\n".getBytes(StandardCharsets.UTF_8));
        Path jsonl = writeGzip(dir.resolve("corpus.JSONL.gz"), "{\"text\": \"three\"}\n".getBytes(StandardCharsets.UTF_8));

        assertThat(read(text, MalformedRecords.FAIL)).extracting(s -> turns(s))
                .containsExactly(List.of("ASSISTANT:one"), List.of("ASSISTANT:two"));
        assertThat(read(jsonl, MalformedRecords.FAIL)).extracting(s -> turns(s)).containsExactly(List.of("ASSISTANT:three"));
    }

    @Test
    void aLineOfInvalidUtf8IsOneMalformedRecord() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes("good\n".getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes(new byte[] {'b', 'a', (byte) 0xC3, 'd', '\n'});
        bytes.writeBytes("ñ fine\n".getBytes(StandardCharsets.UTF_8));
        Path file = Files.write(dir.resolve("mixed.txt"), bytes.toByteArray());

        try (SampleSource source = SampleReaders.read(DataFormat.TEXT, file, null, MalformedRecords.SKIP)) {
            assertThat(all(source)).extracting(s -> turns(s)).containsExactly(List.of("ASSISTANT:good"), List.of("ASSISTANT:ñ fine"));
            assertThat(source.skippedRecords()).isEqualTo(1);
        }
        assertThatThrownBy(() -> read(file, MalformedRecords.FAIL)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(file + ":2").hasMessageContaining("not valid UTF-8 (byte 0xC3 at byte 3");
    }

    @Test
    void aCorruptGzipFileIsAClearError() throws Exception {
        Path file = Files.write(dir.resolve("broken.txt.gz"), "not gzip at all".getBytes(StandardCharsets.UTF_8));

        try (SampleSource source = SampleReaders.read(DataFormat.TEXT, file, null, MalformedRecords.SKIP)) {
            assertThatThrownBy(source::iterator).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining(file.toString());
        }
    }
}
