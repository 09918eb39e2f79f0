package ai.solo.impl.train.data;

import static ai.solo.impl.train.data.DataFixtures.all;
import static ai.solo.impl.train.data.DataFixtures.origins;
import static ai.solo.impl.train.data.DataFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import ai.solo.train.DataFormat;
import ai.solo.train.MalformedRecords;
import ai.solo.train.SampleSource;
import ai.solo.train.SampleSources;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShuffledSourceTest {
    @TempDir
    Path dir;

    private SampleSource lines(int count) throws Exception {
        String text = IntStream.rangeClosed(1, count).mapToObj(i -> "line " + i).collect(Collectors.joining("\n"));
        return SampleReaders.read(DataFormat.TEXT, write(dir.resolve("corpus.txt"), text), null, MalformedRecords.FAIL);
    }

    @Test
    void shufflingAFileSourceIsAReproduciblePermutationThatChangesEachPass() throws Exception {
        try (SampleSource source = lines(200);
                SampleSource shuffled = SampleSources.shuffled(lines(200), 32, 42);
                SampleSource sameSeed = SampleSources.shuffled(lines(200), 32, 42)) {
            List<String> inOrder = origins(all(source));
            List<String> firstPass = origins(all(shuffled));
            List<String> secondPass = origins(all(shuffled));

            assertThat(firstPass).containsExactlyInAnyOrderElementsOf(inOrder).isNotEqualTo(inOrder);
            assertThat(origins(all(sameSeed))).isEqualTo(firstPass);
            assertThat(secondPass).containsExactlyInAnyOrderElementsOf(inOrder).isNotEqualTo(firstPass);
            assertThat(shuffled.name()).isEqualTo("corpus.txt");
        }
    }
}
