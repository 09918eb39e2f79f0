package ai.solo.impl.train.data;

import static ai.solo.impl.train.data.DataFixtures.all;
import static ai.solo.impl.train.data.DataFixtures.origins;
import static ai.solo.impl.train.data.DataFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.solo.InvalidInputException;
import ai.solo.train.DataFormat;
import ai.solo.train.MalformedRecords;
import ai.solo.train.SampleSource;
import ai.solo.train.TrainingSample;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleSourceLifecycleTest {
    private static final String CHAT = "{\"conversations\": [{\"from\": \"human\", \"value\": \"q%d\"}, "
            + "{\"from\": \"gpt\", \"value\": \"a%d\"}]}";

    @TempDir
    Path dir;

    private Path jsonl(String name, int records, String lastLine) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= records; i++) {
            sb.append(String.format(CHAT, i, i)).append('\n');
        }
        return write(dir.resolve(name), sb + lastLine);
    }

    @Test
    void yieldsEarlySamplesBeforeReachingACorruptLastLine() throws Exception {
        Path file = jsonl("big.jsonl", 10_000, "{\"conversations\": [ truncated");

        try (SampleSource source = SampleReaders.read(DataFormat.LLAVA, file, null, MalformedRecords.FAIL)) {
            Iterator<TrainingSample> it = source.iterator();
            List<String> firstThree = List.of(it.next().origin(), it.next().origin(), it.next().origin());

            assertThat(firstThree).containsExactly("big.jsonl:1", "big.jsonl:2", "big.jsonl:3");
            int more = 0;
            while (more < 9_997) {
                it.next();
                more++;
            }
            assertThatThrownBy(it::hasNext).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining(file + ":10001").hasMessageContaining("not valid JSON");
        }
    }

    @Test
    void yieldsEarlyArrayElementsBeforeASyntaxErrorWhicheverThePolicy() throws Exception {
        Path file = write(dir.resolve("chats.json"), "[\n" + String.format(CHAT, 1, 1) + ",\n"
                + String.format(CHAT, 2, 2) + ",\n{\"conversations\": oops}\n]");

        for (MalformedRecords policy : MalformedRecords.values()) {
            try (SampleSource source = SampleReaders.read(DataFormat.LLAVA, file, null, policy)) {
                Iterator<TrainingSample> it = source.iterator();

                assertThat(it.next().origin()).isEqualTo("chats.json:2");
                assertThat(it.next().origin()).isEqualTo("chats.json:3");
                assertThatThrownBy(it::hasNext).isInstanceOf(InvalidInputException.class)
                        .hasMessageContaining(file + ":4").hasMessageContaining("JSON array");
            }
        }
    }

    @Test
    void skipsSemanticallyBadArrayElements() throws Exception {
        Path file = write(dir.resolve("chats.json"), "[" + String.format(CHAT, 1, 1) + ", 17, {\"conversations\": []},\n"
                + String.format(CHAT, 2, 2) + "]");

        try (SampleSource source = SampleReaders.read(DataFormat.LLAVA, file, null, MalformedRecords.SKIP)) {
            assertThat(origins(all(source))).containsExactly("chats.json:1", "chats.json:2");
            assertThat(source.skippedRecords()).isEqualTo(2);
        }
    }

    @Test
    void everyPassStartsAfreshAndGivesTheSameSamples() throws Exception {
        Path file = jsonl("chats.jsonl", 5, "garbage\n");

        try (SampleSource source = SampleReaders.read(DataFormat.LLAVA, file, null, MalformedRecords.SKIP)) {
            List<TrainingSample> first = all(source);
            Iterator<TrainingSample> partial = source.iterator();
            partial.next();
            List<TrainingSample> second = all(source);

            assertThat(first).hasSize(5).isEqualTo(second);
            assertThat(source.skippedRecords()).as("counted over all passes").isEqualTo(2);
        }
    }

    @Test
    void closesTheFileAtTheEndOfAPassAndOnClose() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc/self/fd to count open files");
        Path file = jsonl("chats.jsonl", 3, "");
        SampleSource source = SampleReaders.read(DataFormat.LLAVA, file, null, MalformedRecords.FAIL);
        assertThat(openDescriptors(file)).isZero();

        all(source);
        assertThat(openDescriptors(file)).as("after a full pass").isZero();

        Iterator<TrainingSample> a = source.iterator();
        Iterator<TrainingSample> b = source.iterator();
        a.next();
        b.next();
        assertThat(openDescriptors(file)).as("two passes in progress").isEqualTo(2);

        source.close();
        assertThat(openDescriptors(file)).as("after close").isZero();
        assertThatThrownBy(a::hasNext).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(source::iterator).isInstanceOf(IllegalStateException.class);
        source.close();
    }

    @Test
    void closeIsIdempotent() throws Exception {
        Path file = write(dir.resolve("corpus.txt"), "a\nb\n");
        SampleSource source = SampleReaders.read(DataFormat.TEXT, file, null, MalformedRecords.FAIL);
        source.iterator().next();

        source.close();
        source.close();

        assertThat(source.name()).isEqualTo("corpus.txt");
    }

    @Test
    void countsEveryMalformedRecordPastTheWarningLimit() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 2_500; i++) {
            sb.append("{\"text\": 1}\n");
        }
        Path file = write(dir.resolve("bad.jsonl"), sb + "{\"text\": \"ok\"}\n");

        try (SampleSource source = SampleReaders.read(DataFormat.TEXT, file, null, MalformedRecords.SKIP)) {
            assertThat(origins(all(source))).containsExactly("bad.jsonl:2501");
            assertThat(source.skippedRecords()).isEqualTo(2_500);
        }
    }

    @Test
    void missingDataFileFailsAtReadTimeNamingIt() {
        Path missing = dir.resolve("missing.jsonl");

        for (DataFormat format : List.of(DataFormat.LLAVA, DataFormat.SOLO_PRETRAINING, DataFormat.LABELLED_IMAGES,
                DataFormat.TEXT)) {
            assertThatThrownBy(() -> SampleReaders.read(format, missing, null, MalformedRecords.SKIP))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining(missing.toString());
        }
        assertThatThrownBy(() -> SampleReaders.read(DataFormat.TEXT, dir, null, MalformedRecords.SKIP))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("folder");
        assertThatThrownBy(() -> SampleReaders.read(null, missing, null, MalformedRecords.SKIP))
                .isInstanceOf(InvalidInputException.class);
    }

    private static long openDescriptors(Path file) throws IOException {
        Path target = file.toRealPath();
        List<Path> links = new ArrayList<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            fds.forEach(links::add);
        }
        long count = 0;
        for (Path fd : links) {
            try {
                if (Files.readSymbolicLink(fd).equals(target)) {
                    count++;
                }
            } catch (IOException e) {
                // The descriptor closed while we looked (e.g. the directory stream's own): not ours.
            }
        }
        return count;
    }
}
