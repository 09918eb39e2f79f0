package ai.solo.eval;

import ai.solo.InvalidInputException;
import ai.solo.SoloModel;
import ai.solo.generate.ChatTemplate;
import ai.solo.generate.ChatTemplates;
import ai.solo.generate.Conversation;
import ai.solo.generate.Generator;
import ai.solo.image.ImagePatcher;
import ai.solo.spi.SoloProviders;
import ai.solo.text.ImageClose;
import ai.solo.train.LossRule;
import ai.solo.train.TrainingSample;
import java.util.List;
import java.util.function.Consumer;

/**
 * Measures a SOLO model: held-out loss, and benchmarks of multiple-choice and short-answer
 * questions about images, with lm-eval-harness's and SQuAD's metrics.
 *
 * <pre>{@code
 * Evaluator evaluator = Evaluator.create(model);                       // model with a tokenizer
 * EvaluationReport report = evaluator.evaluate(Benchmark.read(Path.of("bench.jsonl")));
 * System.out.print(report.table());
 * LossResult loss = evaluator.heldOutLoss(SampleSources.read(DataFormat.LLAVA, val, images), LossRule.ANSWERS_ONLY);
 * }</pre>
 *
 * <p>How an item is scored:
 * <ul>
 *   <li><b>Multiple-choice, by log-likelihood</b> ({@link Builder#scoreChoices}): the prompt is a
 *       user turn of the image then {@code question + "\nA. choice0\nB. choice1..."} (the
 *       question alone with {@link Builder#listChoices listChoices(false)}), rendered with the
 *       chat template; each choice's text is then the assistant's answer, laid out as
 *       the template lays out answers in training (without its closing {@code </s>}), and scored
 *       by the sum of its tokens' log-probabilities. All choices of an item run in one batched
 *       forward pass. {@code acc} takes the choice with the highest sum, {@code acc_norm} the
 *       highest mean per token (lm-eval normalises by bytes instead; per token removes the same
 *       bias towards short choices and suits a byte-fallback BPE). Ties go to the first choice.</li>
 *   <li><b>Multiple-choice, by generated letter</b> ({@link Builder#generateLetters}): the same
 *       prompt plus a line with {@link Builder#choiceInstruction} (LLaVA-1.5's "Answer with the
 *       option's letter from the given choices directly."), greedy decoding of at most
 *       {@link Builder#maxNewTokens} tokens, and {@link AnswerMetrics#choiceIndex} reads the
 *       letter; no recognisable letter counts as wrong.</li>
 *   <li><b>Short answer</b>: the image then the question (plus {@link Builder#answerInstruction}
 *       if set), greedy decoding, SQuAD exact match and token F1 against the best of the
 *       accepted answers.</li>
 * </ul>
 * Generation runs {@link Builder#batchSize} prompts at a time; a batched answer equals the
 * answer alone ({@link ai.solo.generate.Generator#generateBatch}).
 *
 * <p>Threading: an evaluator is immutable and thread-safe; the model is only read.
 */
public interface Evaluator {

    /**
     * An evaluator with SOLO-7B's chat format and the defaults of {@link Builder}.
     *
     * @param model the model; it needs a tokenizer
     * @return the evaluator
     */
    static Evaluator create(SoloModel model) {
        return builder(model).build();
    }

    /**
     * @param model the model; it needs a tokenizer
     * @return a builder
     */
    static Builder builder(SoloModel model) {
        return new Builder(model);
    }

    /**
     * The mean next-token loss on held-out samples, laid out, masked by {@code rule} and packed
     * into rows of {@link Builder#packLength} tokens exactly as the trainer does, so it compares
     * with the held-out loss in {@code metrics.jsonl}. Conversations use the chat template;
     * images use the model's patch size and SOLO-7B's closing token.
     *
     * @param samples held-out samples, e.g. a {@link ai.solo.train.SampleSource}; read once
     * @param rule which tokens are scored
     * @return the loss over every target token of at most {@link Builder#maxHeldOutRows} rows
     */
    LossResult heldOutLoss(Iterable<TrainingSample> samples, LossRule rule);

    /**
     * Scores continuations of one prompt: each is rendered as the assistant's answer to the
     * conversation with the chat template (without the closing {@code </s>}), all in one
     * batched forward pass.
     *
     * @param context turns ending with a user turn
     * @param continuations non-blank answers to score
     * @return one score per continuation, in order
     */
    List<Continuation> logLikelihoods(Conversation context, List<String> continuations);

    /**
     * Evaluates every item of a benchmark.
     *
     * @param benchmark the questions
     * @param onItem called with each item's result as it is ready, in order; may be null
     * @return metrics per category and overall, and every item's result
     * @throws InvalidInputException naming the item's origin if its image cannot be read or its
     *     prompt is longer than the model's context
     */
    EvaluationReport evaluate(Benchmark benchmark, Consumer<ItemResult> onItem);

    /**
     * @param benchmark the questions
     * @return metrics per category and overall, and every item's result
     */
    default EvaluationReport evaluate(Benchmark benchmark) {
        return evaluate(benchmark, null);
    }

    /**
     * @param items the questions, ids unique
     * @return metrics per category and overall, and every item's result
     */
    default EvaluationReport evaluate(List<BenchmarkItem> items) {
        return evaluate(Benchmark.of("items", items), null);
    }

    /**
     * Validated evaluator settings.
     *
     * @param rendering model, chat template, image patcher and closing token, as a generator's
     * @param choices how multiple-choice items are scored
     * @param answerInstruction line after a short-answer question; empty for none
     * @param maxNewTokens most tokens generated per answer
     * @param batchSize prompts generated together, and packed rows per held-out forward pass
     * @param packLength tokens per packed row of the held-out loss
     * @param maxHeldOutRows packed rows of the held-out loss at most
     */
    record Settings(Generator.Settings rendering, ChoiceScoring choices, String answerInstruction, int maxNewTokens,
            int batchSize, int packLength, int maxHeldOutRows) {
    }

    /**
     * How multiple-choice items are scored.
     *
     * @param byLikelihood whether choices are scored by log-likelihood
     * @param listed whether the choices are listed in the prompt they are scored after
     * @param byLetter whether an answer is also generated and its letter read
     * @param instruction line after the choices when a letter is generated; empty for none
     */
    record ChoiceScoring(boolean byLikelihood, boolean listed, boolean byLetter, String instruction) {
    }

    /** Builds an {@link Evaluator}; {@link #build()} validates every field. Not thread-safe. */
    final class Builder {
        /** LLaVA-1.5's instruction for multiple-choice benchmarks (ScienceQA, MMBench, SEED). */
        public static final String LLAVA_CHOICE_INSTRUCTION = "Answer with the option's letter from the given choices directly.";
        /** LLaVA-1.5's instruction for short-answer benchmarks (VQAv2, GQA), off by default. */
        public static final String LLAVA_ANSWER_INSTRUCTION = "Answer the question using a single word or phrase.";

        private final SoloModel model;
        private ChatTemplate template = ChatTemplates.solo7B();
        private ImagePatcher patcher;
        private ImageClose imageClose = ImageClose.VISION;
        private boolean scoreChoices = true;
        private boolean listChoices = true;
        private boolean generateLetters = true;
        private String choiceInstruction = LLAVA_CHOICE_INSTRUCTION;
        private String answerInstruction = "";
        private int maxNewTokens = 16;
        private int batchSize = 8;
        private int packLength = 2048;
        private int maxHeldOutRows = Integer.MAX_VALUE;

        private Builder(SoloModel model) {
            this.model = model;
        }

        /**
         * @param chatTemplate the chat format (default {@link ChatTemplates#solo7B()})
         * @return this builder
         */
        public Builder chatTemplate(ChatTemplate chatTemplate) {
            template = chatTemplate;
            return this;
        }

        /**
         * @param imagePatcher image preprocessing (default: the model's patch size, max resolution 1024)
         * @return this builder
         */
        public Builder imagePatcher(ImagePatcher imagePatcher) {
            patcher = imagePatcher;
            return this;
        }

        /**
         * @param close the token closing each image (default {@link ImageClose#VISION}, as SOLO-7B)
         * @return this builder
         */
        public Builder imageClose(ImageClose close) {
            imageClose = close;
            return this;
        }

        /**
         * @param score whether to score multiple-choice items by log-likelihood (default true)
         * @return this builder
         */
        public Builder scoreChoices(boolean score) {
            scoreChoices = score;
            return this;
        }

        /**
         * @param list whether the prompt that choices are scored after lists them (default true,
         *     the multiple-choice formulation of ScienceQA and MMBench prompts); false scores each
         *     choice after the question alone, the cloze formulation lm-eval uses for ARC and
         *     HellaSwag, which suits a model never trained on listed choices. Letters are always
         *     generated with the choices listed.
         * @return this builder
         */
        public Builder listChoices(boolean list) {
            listChoices = list;
            return this;
        }

        /**
         * @param generate whether to also answer multiple-choice items by generating a letter
         *     (default true; it costs one generation per item)
         * @return this builder
         */
        public Builder generateLetters(boolean generate) {
            generateLetters = generate;
            return this;
        }

        /**
         * @param instruction line after the choices when generating a letter (default
         *     {@link #LLAVA_CHOICE_INSTRUCTION}); empty for none
         * @return this builder
         */
        public Builder choiceInstruction(String instruction) {
            choiceInstruction = instruction;
            return this;
        }

        /**
         * @param instruction line after a short-answer question (default none; LLaVA uses
         *     {@link #LLAVA_ANSWER_INSTRUCTION}); empty for none
         * @return this builder
         */
        public Builder answerInstruction(String instruction) {
            answerInstruction = instruction;
            return this;
        }

        /**
         * @param tokens most tokens generated per answer (default 16)
         * @return this builder
         */
        public Builder maxNewTokens(int tokens) {
            maxNewTokens = tokens;
            return this;
        }

        /**
         * @param size prompts generated together, and rows per held-out forward pass (default 8)
         * @return this builder
         */
        public Builder batchSize(int size) {
            batchSize = size;
            return this;
        }

        /**
         * @param tokens tokens per packed row of the held-out loss (default 2048, as stages)
         * @return this builder
         */
        public Builder packLength(int tokens) {
            packLength = tokens;
            return this;
        }

        /**
         * @param rows packed rows of the held-out loss at most (default: all samples)
         * @return this builder
         */
        public Builder maxHeldOutRows(int rows) {
            maxHeldOutRows = rows;
            return this;
        }

        /**
         * @return the evaluator
         * @throws InvalidInputException naming a missing or invalid setting
         */
        public Evaluator build() {
            if (model == null || template == null || imageClose == null) {
                throw new InvalidInputException("model, chatTemplate and imageClose must not be null");
            }
            if (choiceInstruction == null || answerInstruction == null) {
                throw new InvalidInputException("choiceInstruction and answerInstruction must not be null (use \"\")");
            }
            if (!scoreChoices && !generateLetters) {
                throw new InvalidInputException("scoreChoices and generateLetters are both off: multiple-choice "
                        + "items would not be scored");
            }
            requirePositive(maxNewTokens, "maxNewTokens");
            requirePositive(batchSize, "batchSize");
            requirePositive(packLength, "packLength");
            requirePositive(maxHeldOutRows, "maxHeldOutRows");
            ImagePatcher p = patcher != null ? patcher
                    : ImagePatcher.builder().patchSize(model.config().visionPatchSize()).build();
            if (p.settings().patchSize() != model.config().visionPatchSize()) {
                throw new InvalidInputException("image patcher cuts " + p.settings().patchSize()
                        + "-pixel patches, the model expects " + model.config().visionPatchSize());
            }
            return SoloProviders.get().evaluator(new Settings(new Generator.Settings(model, template, p, imageClose),
                    new ChoiceScoring(scoreChoices, listChoices, generateLetters, choiceInstruction.strip()),
                    answerInstruction.strip(), maxNewTokens, batchSize, packLength, maxHeldOutRows));
        }

        private static void requirePositive(int value, String name) {
            if (value < 1) {
                throw new InvalidInputException(name + " must be >= 1, got " + value);
            }
        }
    }
}
