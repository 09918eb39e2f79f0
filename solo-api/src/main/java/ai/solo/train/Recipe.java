package ai.solo.train;

import ai.solo.InvalidInputException;
import java.util.List;

/**
 * A training recipe: stages run in order, each starting from the previous one's weights unless
 * it names a checkpoint. SOLO's own (SPEC §4) is {@link #solo7B}; a one-stage recipe is plain
 * fine-tuning.
 *
 * @param name a name for logs
 * @param stages the stages, at least one
 */
public record Recipe(String name, List<Stage> stages) {

    /**
     * Validates the stages.
     *
     * @param name a name for logs
     * @param stages the stages
     */
    public Recipe {
        if (stages == null || stages.isEmpty()) {
            throw new InvalidInputException("recipe " + name + " needs at least one stage");
        }
        stages = List.copyOf(stages);
        long distinct = stages.stream().map(Stage::name).distinct().count();
        if (distinct != stages.size()) {
            throw new InvalidInputException("recipe " + name + ": stage names must be unique (they name checkpoints)");
        }
    }

    /**
     * Reads a recipe JSON file (schema: {@code docs/RECIPE.md}); relative data paths resolve
     * against the file's folder.
     *
     * @param file the recipe file
     * @return the recipe, its sources opened lazily
     * @throws ai.solo.InvalidInputException naming the file and field when it is malformed
     */
    public static Recipe read(java.nio.file.Path file) {
        return ai.solo.spi.SoloProviders.get().readRecipe(file);
    }

    /**
     * @param stage the only stage
     * @return a one-stage recipe named after it
     */
    public static Recipe of(Stage stage) {
        return new Recipe(stage.name(), List.of(stage));
    }

    /**
     * SOLO-7B's recipe as the paper ran it on 8 A100s (SPEC §4): Stage 1 on class-labelled images
     * blended 70/30 with text, Stage 2 on captions (and rendered pages) blended with text, Stage 3
     * annealing on a small supervised mix, then instruction fine-tuning. Pre-training: lr 5e-5
     * cosine to 5e-6, 200 warm-up steps, weight decay 0.1, 128 sequences of 32,768 tokens, 1525 /
     * 3480 / 300 steps. SFT: lr 1e-5 with warm-up then cosine, 640 sequences per step.
     *
     * @param labelled Stage 1 class-labelled images
     * @param text the text-only blend (SlimPajama in the paper)
     * @param captions Stage 2 image-caption pairs
     * @param annealing Stage 3 supervised mix
     * @param instructions SFT conversations, trained for one epoch
     * @return the recipe
     */
    public static Recipe solo7B(SampleSource labelled, SampleSource text, SampleSource captions,
            SampleSource annealing, SampleSource instructions) {
        Stage.Builder pretraining = Stage.builder("stage1").packLength(32768).batch(128, 1)
                .learningRate(5e-5, 5e-6, 200).weightDecay(0.1, false);
        Stage stage1 = pretraining.steps(1525).source(labelled, 0.7).source(text, 0.3)
                .lossRule(LossRule.ANSWERS_ONLY).build();
        Stage stage2 = Stage.builder("stage2").packLength(32768).batch(128, 1).learningRate(5e-5, 5e-6, 200)
                .weightDecay(0.1, false).steps(3480).source(captions, 0.7).source(text, 0.3)
                .lossRule(LossRule.ALL_TEXT).build();
        Stage stage3 = Stage.builder("stage3").packLength(32768).batch(128, 1).learningRate(5e-5, 5e-6, 200)
                .weightDecay(0.1, false).steps(300).source(annealing, 1.0).lossRule(LossRule.ALL_TEXT).build();
        Stage sft = Stage.builder("sft").packLength(32768).batch(640, 1).learningRate(1e-5, 0, 30)
                .weightDecay(0.1, false).epochs(1).source(instructions, 1.0).lossRule(LossRule.ANSWERS_ONLY)
                .build();
        return new Recipe("solo-7b", List.of(stage1, stage2, stage3, sft));
    }
}
