package ai.solo.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.solo.InvalidInputException;
import ai.solo.Logits;
import ai.solo.SoloConfig;
import ai.solo.SoloModel;
import ai.solo.eval.AnswerMetrics;
import ai.solo.eval.BenchmarkItem;
import ai.solo.eval.Continuation;
import ai.solo.eval.EvaluationReport;
import ai.solo.eval.Evaluator;
import ai.solo.eval.ItemResult;
import ai.solo.eval.LossResult;
import ai.solo.generate.ChatTemplate;
import ai.solo.generate.ChatTemplates;
import ai.solo.generate.Conversation;
import ai.solo.generate.GenerationConfig;
import ai.solo.generate.Generator;
import ai.solo.generate.Prompt;
import ai.solo.image.ImagePatcher;
import ai.solo.text.ImageClose;
import ai.solo.text.SoloTokenizer;
import ai.solo.text.TokenSequence;
import ai.solo.train.LossRule;
import ai.solo.train.Recipe;
import ai.solo.train.SampleSources;
import ai.solo.train.Stage;
import ai.solo.train.Trainer;
import ai.solo.train.TrainingSample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluator on tiny models with SOLO-7B's tokenizer: choice log-likelihoods against an
 * independent full-sequence computation, generated answers against the public generator, a
 * fine-tuned model reaching 100% on the items it was taught, and the held-out loss.
 */
class EvaluatorTest {
    private static final List<String> CHOICES = List.of("red", "dark blue square", "green", "a yellow circle");
    private static SoloTokenizer tokenizer;

    @TempDir
    Path dir;

    @BeforeAll
    static void loadTokenizer() {
        tokenizer = TinySolo.tokenizer();
    }

    @AfterAll
    static void closeTokenizer() {
        tokenizer.close();
    }

    private static SoloModel tinyModel(long seed) {
        SoloModel model = SoloModel.create(TinySolo.config().build(), seed);
        model.attachTokenizer(tokenizer);
        return model;
    }

    private static Prompt.ImageSource picture(int seed) {
        return new Prompt.DecodedImage(TinySolo.image(64, 32, seed));
    }

    /** The prompt the evaluator documents: question, then the choices listed as "A. text". */
    private static String listed(String question, List<String> choices) {
        StringBuilder sb = new StringBuilder(question);
        for (int i = 0; i < choices.size(); i++) {
            sb.append('\n').append((char) ('A' + i)).append(". ").append(choices.get(i));
        }
        return sb.toString();
    }

    private static Conversation ask(Prompt.ImageSource image, String text) {
        return Conversation.of(new Prompt(List.of(new Prompt.Image(image), new Prompt.Text(text))));
    }

    /**
     * sum_t log p(answer_t | prompt, answer_<t) from the logits of one unpadded forward pass over
     * prompt + answer, the answer's tokens found by rendering with and without it.
     */
    private static double independentLogLikelihood(SoloModel model, Conversation prompt, String answer) {
        ChatTemplate.Context ctx = new ChatTemplate.Context(tokenizer, ImagePatcher.builder().patchSize(32).build(),
                ImageClose.VISION);
        int promptLength = ChatTemplates.solo7B().render(prompt, ctx).length();
        List<Conversation.Message> turns = new ArrayList<>(prompt.messages());
        turns.add(new Conversation.Message(Conversation.Role.ASSISTANT, Prompt.of(answer)));
        TokenSequence full = ChatTemplates.solo7B().render(new Conversation(turns), ctx);
        int[] ids = full.inputIds();
        assertThat(ids[ids.length - 1]).isEqualTo(tokenizer.eosTokenId());
        Logits logits = model.logits(full);
        double sum = 0;
        for (int t = promptLength; t < ids.length - 1; t++) { // the answer's tokens, not the closing </s>
            sum += logProb(logits.row(0, t - 1), ids[t]);
        }
        return sum;
    }

    @Test
    void choiceLogLikelihoodsMatchAFullSequenceComputationAndPickTheHighest() {
        try (SoloModel model = tinyModel(11)) {
            Evaluator evaluator = Evaluator.builder(model).generateLetters(false).build();
            Conversation prompt = ask(picture(1), listed("What is in the picture?", CHOICES));

            List<Continuation> scores = evaluator.logLikelihoods(prompt, CHOICES);

            double[] expected = new double[CHOICES.size()];
            int best = 0;
            int bestNorm = 0;
            for (int c = 0; c < CHOICES.size(); c++) {
                expected[c] = independentLogLikelihood(model, prompt, CHOICES.get(c));
                assertThat(scores.get(c).logLikelihood()).as("choice %d", c).isCloseTo(expected[c], within(1e-3));
                assertThat(scores.get(c).tokens()).isEqualTo(tokenizer.encode(CHOICES.get(c)).length);
                best = expected[c] > expected[best] ? c : best;
                bestNorm = expected[c] / scores.get(c).tokens() > expected[bestNorm] / scores.get(bestNorm).tokens()
                        ? c : bestNorm;
            }
            assertThat(scores.get(1).tokens()).isGreaterThan(scores.get(0).tokens()); // lengths differ

            BenchmarkItem item = BenchmarkItem.multipleChoice("q", "c", picture(1), "What is in the picture?", CHOICES, 2);
            ItemResult r = evaluator.evaluate(List.of(item)).items().get(0);
            assertThat(r.choiceLogLikelihoods()).hasSize(4);
            for (int c = 0; c < CHOICES.size(); c++) {
                assertThat(r.choiceLogLikelihoods().get(c)).isCloseTo(expected[c], within(1e-3));
            }
            assertThat(r.predicted()).isEqualTo(best);
            assertThat(r.predictedNormalized()).isEqualTo(bestNorm);
            assertThat(r.generated()).isNull();

            // cloze formulation: each choice after the question alone
            Evaluator cloze = Evaluator.builder(model).listChoices(false).generateLetters(false).build();
            ItemResult c = cloze.evaluate(List.of(item)).items().get(0);
            Conversation question = ask(picture(1), "What is in the picture?");
            for (int k = 0; k < CHOICES.size(); k++) {
                assertThat(c.choiceLogLikelihoods().get(k)).as("cloze choice %d", k)
                        .isCloseTo(independentLogLikelihood(model, question, CHOICES.get(k)), within(1e-3));
            }
        }
    }

    @Test
    void generatedAnswersAreTheGeneratorsGreedyAnswersScoredBySquadAndLetter() {
        try (SoloModel model = tinyModel(12)) {
            Evaluator evaluator = Evaluator.builder(model).maxNewTokens(5).batchSize(2).build();
            BenchmarkItem choice = BenchmarkItem.multipleChoice("mc", "a", picture(2), "Which one?", CHOICES, 0);
            BenchmarkItem shortAnswer = BenchmarkItem.shortAnswer("sa", "b", picture(3), "What does it say?",
                    List.of("stop"));
            BenchmarkItem textOnly = BenchmarkItem.shortAnswer("t", "b", null, "Say hello.", List.of("hello"));

            EvaluationReport report = evaluator.evaluate(List.of(choice, shortAnswer, textOnly));

            Generator generator = Generator.create(model);
            GenerationConfig greedy = GenerationConfig.builder().maxNewTokens(5).build();
            String letterAnswer = generator.generate(ask(picture(2), listed("Which one?", CHOICES) + "\n"
                    + Evaluator.Builder.LLAVA_CHOICE_INSTRUCTION), greedy).text().strip();
            String sayAnswer = generator.generate(ask(picture(3), "What does it say?"), greedy).text().strip();
            String helloAnswer = generator.generate(Conversation.of(Prompt.of("Say hello.")), greedy).text().strip();
            List<ItemResult> items = report.items();
            assertThat(items.get(0).generated()).isEqualTo(letterAnswer);
            assertThat(items.get(0).generatedChoice()).isEqualTo(AnswerMetrics.choiceIndex(letterAnswer, 4));
            assertThat(items.get(1).generated()).isEqualTo(sayAnswer);
            assertThat(items.get(1).exactMatch()).isEqualTo(AnswerMetrics.exactMatch(sayAnswer, "stop"));
            assertThat(items.get(1).f1()).isEqualTo(AnswerMetrics.tokenF1(sayAnswer, "stop"));
            assertThat(items.get(2).generated()).isEqualTo(helloAnswer);
            assertThat(report.categories()).extracting(c -> c.items()).containsExactly(1, 2);
            assertThat(report.overall().items()).isEqualTo(3);
        }
    }

    @Test
    void fineTuningOnTheItemsTakesThemFromWrongToRight() {
        SoloConfig config = TinySolo.config().hiddenSize(32).intermediateSize(64).numAttentionHeads(4)
                .numKeyValueHeads(2).build();
        try (SoloModel model = SoloModel.create(config, 5)) {
            model.attachTokenizer(tokenizer);
            Evaluator evaluator = Evaluator.builder(model).maxNewTokens(4).build();
            String question = "What colour is it?";
            List<String> colours = List.of("red", "green", "blue", "yellow");
            // the gold answer is a choice the untrained model gets wrong
            int before = evaluator.evaluate(List.of(BenchmarkItem.multipleChoice("q", "c", picture(4), question,
                    colours, 0))).items().get(0).predicted();
            int gold = (before + 1) % colours.size();
            List<BenchmarkItem> items = List.of(
                    BenchmarkItem.multipleChoice("q", "colour", picture(4), question, colours, gold),
                    BenchmarkItem.shortAnswer("s", "reading", picture(5), "What does the sign say?", List.of("stop")));
            EvaluationReport untrained = evaluator.evaluate(items);
            assertThat(untrained.overall().accuracy()).isZero();

            // teach the answers in the evaluator's own prompts: the choice text, the letter, the word
            String letter = AnswerMetrics.letter(gold);
            List<TrainingSample> lessons = List.of(
                    sample(ask(picture(4), listed(question, colours)), colours.get(gold)),
                    sample(ask(picture(4), listed(question, colours) + "\n" + Evaluator.Builder.LLAVA_CHOICE_INSTRUCTION),
                            letter),
                    sample(ask(picture(5), "What does the sign say?"), "stop"));
            Stage stage = Stage.builder("sft").source(SampleSources.of("lessons", lessons), 1.0)
                    .lossRule(LossRule.ANSWERS_ONLY).steps(40).packLength(128).batch(3, 3)
                    .learningRate(1e-2, 1e-3, 2).weightDecay(0.0, false).build();
            try (Trainer trainer = Trainer.builder(model, Recipe.of(stage)).outputDir(dir).build()) {
                trainer.run();
            }
            EvaluationReport trained = evaluator.evaluate(items);

            assertThat(trained.overall().accuracy()).isEqualTo(1.0);
            assertThat(trained.overall().accuracyNormalized()).isEqualTo(1.0);
            assertThat(trained.items().get(0).generated()).startsWith(letter);
            assertThat(trained.overall().letterAccuracy()).isEqualTo(1.0);
            assertThat(trained.overall().exactMatch()).isEqualTo(1.0);
            assertThat(trained.overall().f1()).isEqualTo(1.0);
        }
    }

    private static TrainingSample sample(Conversation question, String answer) {
        List<Conversation.Message> turns = new ArrayList<>(question.messages());
        turns.add(new Conversation.Message(Conversation.Role.ASSISTANT, Prompt.of(answer)));
        return new TrainingSample(new Conversation(turns), TrainingSample.Kind.CONVERSATION, answer);
    }

    @Test
    void heldOutLossIsTheMeanNegativeLogLikelihoodOfTheTargetTokens() {
        try (SoloModel model = tinyModel(13)) {
            Conversation text = Conversation.builder().assistant("the quick brown fox").build();
            TrainingSample sample = new TrainingSample(text, TrainingSample.Kind.TEXT, "t:1");

            LossResult r = Evaluator.create(model).heldOutLoss(List.of(sample), LossRule.ALL_TEXT);

            // plain layout: <s> text </s>; every token after <s> is a target
            TokenSequence seq = ChatTemplates.plain().render(text, new ChatTemplate.Context(tokenizer,
                    ImagePatcher.builder().patchSize(32).build(), ImageClose.VISION));
            Logits logits = model.logits(seq);
            double nll = 0;
            int[] ids = seq.inputIds();
            for (int t = 1; t < ids.length; t++) {
                nll -= logProb(logits.row(0, t - 1), ids[t]);
            }
            assertThat(r.targetTokens()).isEqualTo(ids.length - 1);
            assertThat(r.rows()).isEqualTo(1);
            assertThat(r.loss()).isCloseTo(nll / (ids.length - 1), within(1e-4));
            assertThat(r.perplexity()).isCloseTo(Math.exp(r.loss()), within(1e-9));
        }
    }

    @Test
    void anItemWhoseImageCannotBeReadIsNamedInTheError() throws IOException {
        Path broken = Files.writeString(dir.resolve("broken.png"), "not a picture");
        try (SoloModel model = tinyModel(14)) {
            BenchmarkItem good = BenchmarkItem.shortAnswer("good", null, null, "Hi?", List.of("hi"));
            BenchmarkItem bad = new BenchmarkItem("bad", null, new Prompt.FileImage(broken), "Which?", CHOICES, 0,
                    List.of(), "bench.jsonl:2");

            assertThatThrownBy(() -> Evaluator.create(model).evaluate(List.of(good, bad)))
                    .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("bench.jsonl:2: ");
            assertThatThrownBy(() -> Evaluator.builder(model).generateLetters(false).build().evaluate(List.of(bad)))
                    .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("bench.jsonl:2: ");
        }
    }

    @Test
    void settingsAreValidated() {
        try (SoloModel model = tinyModel(15)) {
            assertThatThrownBy(() -> Evaluator.builder(model).maxNewTokens(0).build())
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("maxNewTokens must be >= 1");
            assertThatThrownBy(() -> Evaluator.builder(model).scoreChoices(false).generateLetters(false).build())
                    .hasMessageContaining("both off");
            assertThatThrownBy(() -> Evaluator.builder(model).imagePatcher(ImagePatcher.builder().patchSize(16).build())
                    .build()).hasMessageContaining("expects 32");
        }
        try (SoloModel bare = SoloModel.create(TinySolo.config().build(), 1)) {
            BenchmarkItem item = BenchmarkItem.shortAnswer("q", null, null, "Hi?", List.of("hi"));
            assertThatThrownBy(() -> Evaluator.create(bare).evaluate(List.of(item)))
                    .hasMessageContaining("no tokenizer");
        }
    }

    /** @return log softmax(row)[id], computed independently of the implementation under test */
    private static double logProb(float[] row, int id) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : row) {
            max = Math.max(max, v);
        }
        double z = 0;
        for (float v : row) {
            z += Math.exp(v - max);
        }
        return row[id] - max - Math.log(z);
    }
}
