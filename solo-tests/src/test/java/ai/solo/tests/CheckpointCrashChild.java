package ai.solo.tests;

import ai.solo.SoloModel;
import ai.solo.text.SoloTokenizer;
import ai.solo.train.Recipe;
import ai.solo.train.Trainer;
import ai.solo.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A training run that checkpoints after every step, printing {@code STEP n} and {@code
 * CHECKPOINT n} as it goes, for {@link CheckpointCrashTest} to kill with SIGKILL at random
 * moments. Always resumes from the newest complete checkpoint in its folder, if there is one.
 *
 * <p>{@code CheckpointCrashChild OUT_DIR TOKENIZER_DIR STEPS}
 */
public final class CheckpointCrashChild {
    private CheckpointCrashChild() {
    }

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        Path out = Path.of(args[0]);
        int steps = Integer.parseInt(args[2]);
        try (SoloTokenizer tokenizer = SoloTokenizer.load(Path.of(args[1]));
                SoloModel model = ColourTask.tinyModel(3, tokenizer);
                Trainer trainer = Trainer.builder(model, Recipe.of(ColourTask.captionStage(steps).build()))
                        .outputDir(out).checkpointEvery(1).resume(true).listener(new TrainingListener() {
                            @Override
                            public void onStep(StepMetrics step) {
                                System.out.println("STEP " + step.step());
                            }

                            @Override
                            public void onCheckpoint(Path dir, String stage, long step) {
                                System.out.println("CHECKPOINT " + step);
                            }
                        }).build()) {
            trainer.run();
        }
        System.out.println("DONE");
    }

    /**
     * @param out the run's output folder
     * @param steps the stage's steps
     * @return the command line of a child JVM running this class
     */
    static List<String> command(Path out, int steps) {
        return ChildJvm.command(List.of("-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"),
                CheckpointCrashChild.class, out.toString(), Fixtures.mistralTokenizer().toString(),
                Integer.toString(steps));
    }

    /**
     * @param out a run's output folder
     * @return its checkpoints whose state file is in place (written last, so the rest is too), by name
     */
    static List<Path> completeCheckpoints(Path out) throws IOException {
        try (Stream<Path> dirs = Files.list(out)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("checkpoint-"))
                    .filter(d -> Files.isRegularFile(d.resolve("trainer_state").resolve("state.json"))).sorted()
                    .toList();
        }
    }
}
