package ai.solo.tests.bench;

import static org.assertj.core.api.Assertions.assertThat;

import ai.solo.examples.bench.BenchReport;
import ai.solo.examples.bench.BenchResult;
import ai.solo.examples.cli.SoloCli;
import ai.solo.tests.Fixtures;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code solo bench} end to end on the tiny config: every measure in its own child JVM, a peer
 * speaking the protocol (a shell script standing in for {@code bench/peer.py}, so no Python is
 * needed), the result lines, the report with ratios and the plot.
 */
class SoloBenchCliTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int solo(String... args) {
        return SoloCli.run(args, new PrintWriter(out), new PrintWriter(err));
    }

    /**
     * A peer that answers every measure with fixed numbers and logs its arguments, one call
     * per line.
     */
    private Path fakePeer() throws IOException {
        Path script = dir.resolve("peer.sh");
        Files.writeString(script, """
                measure=$1; shift
                config=null; tokens=null
                echo "$measure $*" >> "$(dirname "$0")/calls.txt"
                while [ $# -gt 0 ]; do
                  case $1 in
                    --config) config="\\"$2\\""; shift 2;;
                    --tokens) tokens=$2; shift 2;;
                    *) shift;;
                  esac
                done
                case $measure in
                  train) m='"tokens_per_s":100.0,"step_s":5.12';;
                  generate) m='"ttft_s":10.0,"decode_tokens_per_s":1.0,"first_ids":[1,2,3,4,5,6,7,8]';;
                  batch) m='"batched_tokens_per_s":4.0,"sequential_tokens_per_s":1.0,"speedup":4.0,"batched_equals_sequential":true';;
                  preprocess) m='"images_per_s":2.0';;
                  load) m='"seconds":1.0,"gb_per_s":0.01';;
                esac
                echo "peer says hello"
                echo "RESULT {\\"side\\":\\"python\\",\\"measure\\":\\"$measure\\",\\"config\\":$config,\\"tokens\\":$tokens,\\"threads\\":2,\\"metrics\\":{$m},\\"peak_rss_mib\\":123.0,\\"peak_heap_mib\\":null,\\"runtime\\":{\\"torch\\":\\"fake\\",\\"blas\\":\\"none\\"}}"
                """);
        return script;
    }

    @Test
    void runsEveryMeasureOnBothSidesAndReportsTheRatios() throws IOException {
        Path results = dir.resolve("results");
        int exit = solo("bench", "--configs", "tiny", "--lengths", "512", "--steps", "tiny=2", "--load-config", "tiny",
                "--measures", "preprocess,load,generate,batch,train", "--preprocess-seconds", "0.2",
                "--threads", "2", "--out", results.toString(), "--python", "/bin/sh",
                "--peer", fakePeer().toString(), "--tokenizer", Fixtures.mistralTokenizer().toString());

        assertThat(exit).as(err.toString()).isZero();
        List<BenchResult> lines = BenchReport.read(results.resolve("results.jsonl"));
        assertThat(lines).extracting(r -> r.side() + " " + r.key()).containsExactly(
                "java preprocess", "python preprocess", "java load tiny", "python load tiny",
                "java generate tiny", "python generate tiny", "java batch tiny", "python batch tiny",
                "java train tiny 512", "python train tiny 512", "system disk tiny");
        BenchResult train = lines.get(8);
        assertThat(train.metric("tokens_per_s")).isPositive();
        assertThat(train.peakRssMib()).isGreaterThan(100);
        assertThat(train.peakHeapMib()).isPositive();
        assertThat(train.runtime()).containsEntry("intra_op_threads", 2).containsEntry("inter_op_threads", 1);
        BenchResult generate = lines.get(4);
        assertThat(generate.metric("prompt_tokens")).isEqualTo(1068);
        assertThat((List<?>) generate.metrics().get("first_ids")).hasSize(8);
        assertThat(lines.get(6).metrics()).containsEntry("batched_equals_sequential", true);
        assertThat(lines.get(2).metric("gb_per_s")).isPositive();

        String preprocess = "preprocess --workdir " + results.resolve("work") + " --threads 2 --seconds 0.2";
        assertThat(Files.readAllLines(dir.resolve("calls.txt"))).as("preprocessing runs 3 times, the best counts")
                .containsExactly(preprocess, preprocess, preprocess,
                "load --workdir " + results.resolve("work") + " --threads 2 --config tiny",
                "generate --workdir " + results.resolve("work") + " --threads 2 --config tiny",
                "batch --workdir " + results.resolve("work") + " --threads 2 --config tiny",
                "train --workdir " + results.resolve("work") + " --threads 2 --config tiny --tokens 512 --steps 2");
        assertThat(out.toString()).contains("[python] peer says hello");

        String report = Files.readString(results.resolve("report.md"));
        double javaTokens = train.metric("tokens_per_s");
        assertThat(report).contains(String.format(java.util.Locale.ROOT, "| tiny | 512 | %.0f | 100 | %.2fx |",
                javaTokens, javaTokens / 100));
        assertThat(report).contains("| python | torch fake, blas none |");
        assertThat(report).contains("| batched generation of 8, tiny >= 3x sequential |");
        BufferedImage png = ImageIO.read(results.resolve("tokens-per-second.png").toFile());
        assertThat(png.getWidth()).isEqualTo(760);

        // the report can be written again from the saved lines alone
        Files.delete(results.resolve("report.md"));
        assertThat(solo("bench", "--report-only", "--out", results.toString())).isZero();
        assertThat(Files.readString(results.resolve("report.md"))).contains("| tiny | 512 |");
    }

    @Test
    void aFailingPeerIsReportedAndTheSuiteGoesOn() throws IOException {
        Path peer = dir.resolve("broken.sh");
        Files.writeString(peer, "echo 'ModuleNotFoundError: No module named torch'; exit 3\n");
        Path results = dir.resolve("results");

        int exit = solo("bench", "--configs", "tiny", "--measures", "preprocess", "--preprocess-seconds", "0.2",
                "--out", results.toString(), "--python", "/bin/sh", "--peer", peer.toString());

        assertThat(exit).isZero();
        assertThat(BenchReport.read(results.resolve("results.jsonl"))).extracting(BenchResult::side)
                .containsExactly("java");
        assertThat(Files.readString(results.resolve("report.md")))
                .contains("preprocess (python): exit 3: ModuleNotFoundError: No module named torch");
    }

    @Test
    void badOptionsAreOneLineErrors() {
        assertThat(solo("bench", "--configs", "huge", "--out", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--configs: unknown config 'huge'");
        assertThat(solo("bench", "--lengths", "1000", "--out", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--lengths: 1000 is not a positive multiple of 512");
        assertThat(solo("bench", "--steps", "small=1", "--out", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--steps: small=1 leaves no timed step");
        assertThat(solo("bench", "--measures", "everything", "--out", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--measures: unknown measure 'everything'");
    }

    @Test
    void aMalformedResultsFileNamesItsLine() throws IOException {
        Files.writeString(dir.resolve("results.jsonl"), "{\"side\":\"java\",\"measure\":\"matmul\",\"threads\":2,"
                + "\"metrics\":{},\"peak_rss_mib\":1}\n{\"side\":\"java\"}\n");

        assertThat(solo("bench", "--report-only", "--out", dir.toString())).isEqualTo(1);

        assertThat(err.toString()).contains("results.jsonl:2: result has no 'measure'");
    }
}
