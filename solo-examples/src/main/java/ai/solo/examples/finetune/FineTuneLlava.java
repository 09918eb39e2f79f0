package ai.solo.examples.finetune;

import ai.solo.SoloException;
import ai.solo.SoloModel;
import ai.solo.generate.Conversation;
import ai.solo.generate.GenerationConfig;
import ai.solo.generate.GenerationResult;
import ai.solo.generate.Generator;
import ai.solo.train.DataFormat;
import ai.solo.train.LossRule;
import ai.solo.train.Recipe;
import ai.solo.train.SampleSource;
import ai.solo.train.SampleSources;
import ai.solo.train.Stage;
import ai.solo.train.Trainer;
import ai.solo.train.TrainingSample;
import ai.solo.train.TrainingSummary;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Fine-tunes an existing SOLO checkpoint on your own LLaVA-format data, saves the result as a
 * Hugging Face folder, loads it back and answers a question with it.
 *
 * <pre>
 * bin/solo quickstart                                   # makes solo-quickstart/sft, a small trained SOLO
 * bin/solo-example finetune.FineTuneLlava solo-quickstart/sft \
 *     solo-examples/data/llava-sample/train.json solo-examples/data/llava-sample/images runs/llava 60
 * </pre>
 *
 * <p>Arguments: the checkpoint folder (with its {@code tokenizer.json}), the LLaVA JSON or JSONL
 * file, the folder its image paths are relative to, an output folder, and optionally the number
 * of optimizer steps (default {@value #DEFAULT_STEPS}). With a large data set, one pass over it is
 * what SOLO's instruction tuning did: {@code Stage.Builder.epochs(1)} derives the step count.
 *
 * <p>The output folder receives the trainer's checkpoints (resumable, with optimizer state),
 * {@code metrics.jsonl}, {@code loss.png}, and {@code fine-tuned/}: the model alone, ready for
 * {@code SoloModel.load} or Hugging Face tooling.
 *
 * <p>Memory: training holds the weights, their gradients and AdamW's two moments, 16 bytes per
 * parameter in float32; fine for the quickstart's models, about 117 GB for SOLO-7B.
 */
public final class FineTuneLlava {
    /** Optimizer steps when none are given: a short run on the quickstart's model. */
    public static final int DEFAULT_STEPS = 100;

    private FineTuneLlava() {
    }

    /**
     * What the run did.
     *
     * @param training steps, tokens and losses of the run
     * @param fineTuned the saved model folder
     * @param question the question asked afterwards (the first record's)
     * @param expected the answer the data gives for it
     * @param answer what the fine-tuned model answered
     */
    public record Result(TrainingSummary training, Path fineTuned, String question, String expected, String answer) {
    }

    /**
     * @param args model folder, data file, image root, output folder, optional steps
     */
    public static void main(String[] args) {
        if (args.length < 4 || args.length > 5) {
            System.err.println("usage: FineTuneLlava MODEL_DIR DATA_JSON IMAGE_ROOT OUT_DIR [STEPS]");
            System.exit(2);
        }
        int steps = args.length == 5 ? Integer.parseInt(args[4]) : DEFAULT_STEPS;
        try {
            Result r = fineTune(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]), Path.of(args[3]), steps, System.out);
            System.out.printf("final loss %.3f; fine-tuned model in %s%n", r.training().finalLoss(), r.fineTuned());
            System.out.println("Q: " + r.question());
            System.out.println("A: " + r.answer() + "   (data says: " + r.expected() + ")");
        } catch (SoloException e) {
            // bad input, checkpoint or engine: the message names the file or setting at fault
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
    }

    /**
     * Fine-tunes, saves, reloads and asks.
     *
     * @param modelDir checkpoint to start from
     * @param data LLaVA JSON or JSONL
     * @param imageRoot folder the records' image paths are relative to
     * @param out output folder
     * @param steps optimizer steps
     * @param progress where the progress bar goes
     * @return what happened
     */
    public static Result fineTune(Path modelDir, Path data, Path imageRoot, Path out, int steps, PrintStream progress) {
        Path fineTuned = out.resolve("fine-tuned");
        TrainingSummary summary;
        // the source reads lazily and holds the file open while iterated: close it
        try (SampleSource llava = SampleSources.read(DataFormat.LLAVA, data, imageRoot);
                SoloModel model = SoloModel.load(modelDir)) {
            Stage sft = Stage.builder("sft")
                    // LLaVA files are often sorted by source; a shuffle buffer mixes them without
                    // holding the whole file in memory
                    .source(SampleSources.shuffled(llava, 10_000, 42), 1.0)
                    // learn the answers, not the questions or the image (SOLO's SFT, SPEC §4)
                    .lossRule(LossRule.ANSWERS_ONLY)
                    // several short conversations are packed into each 512-token row; a step
                    // sees 4 rows, computed 2 at a time to bound activation memory
                    .packLength(512).batch(4, 2)
                    .steps(steps)
                    // SOLO-7B was tuned at 1e-5; a model as small as the quickstart's moves slowly
                    // at that rate, so this example uses 1e-4: 10% warm-up, then cosine decay to 0
                    .learningRate(1e-4, 0, steps / 10)
                    .build();
            try (Trainer trainer = Trainer.builder(model, Recipe.of(sft))
                    .outputDir(out).progress(progress).build()) {
                summary = trainer.run();
            }
            if (llava.skippedRecords() > 0) {
                progress.println(llava.skippedRecords() + " malformed records were skipped (see the log)");
            }
            // the trainer's checkpoints also hold optimizer state; this folder is the model alone
            model.save(fineTuned);
        }

        // Load what was saved, as a user of the fine-tuned model would, and ask the first
        // record's question: a sample is a conversation, its first turn the image and question.
        try (SampleSource llava = SampleSources.read(DataFormat.LLAVA, data, imageRoot);
                SoloModel model = SoloModel.load(fineTuned)) {
            TrainingSample first = llava.iterator().next();
            Conversation.Message question = first.conversation().messages().get(0);
            Conversation.Message expected = first.conversation().messages().get(1);
            GenerationResult answer = Generator.create(model).generate(question.content(),
                    GenerationConfig.builder().maxNewTokens(32).build());
            return new Result(summary, fineTuned, question.text(), expected.text(), answer.text().strip());
        }
    }
}
