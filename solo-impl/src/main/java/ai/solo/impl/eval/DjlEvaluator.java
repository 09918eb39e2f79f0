package ai.solo.impl.eval;

import ai.solo.InvalidInputException;
import ai.solo.SoloException;
import ai.solo.eval.AnswerMetrics;
import ai.solo.eval.Benchmark;
import ai.solo.eval.BenchmarkItem;
import ai.solo.eval.Continuation;
import ai.solo.eval.EvaluationReport;
import ai.solo.eval.Evaluator;
import ai.solo.eval.ItemResult;
import ai.solo.eval.LossResult;
import ai.solo.generate.ChatTemplate;
import ai.solo.generate.Conversation;
import ai.solo.generate.GenerationConfig;
import ai.solo.generate.GenerationResult;
import ai.solo.generate.Generator;
import ai.solo.impl.model.DjlSoloModel;
import ai.solo.impl.train.HeldOutLoss;
import ai.solo.text.SoloTokenizer;
import ai.solo.train.LossRule;
import ai.solo.train.TrainingSample;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Evaluator} on a {@link DjlSoloModel}: choices scored by {@link ChoiceScorer}, answers
 * generated with the public {@link Generator} in batches, the held-out loss by the trainer's
 * {@link HeldOutLoss}. Immutable and thread-safe.
 */
public final class DjlEvaluator implements Evaluator {
    private static final Logger logger = LoggerFactory.getLogger(DjlEvaluator.class);

    private final DjlSoloModel model;
    private final Settings settings;
    private final Generator.Settings rendering;
    private final ItemPrompts prompts;

    /**
     * @param settings validated settings
     * @throws InvalidInputException if the model does not come from this implementation
     */
    public DjlEvaluator(Settings settings) {
        if (!(settings.rendering().model() instanceof DjlSoloModel djl)) {
            throw new InvalidInputException("this evaluator runs models made by SoloModel.load/create of the "
                    + "DJL implementation, got " + settings.rendering().model().getClass().getName());
        }
        this.model = djl;
        this.settings = settings;
        this.rendering = settings.rendering();
        this.prompts = new ItemPrompts(settings.choices().listed(), settings.choices().instruction(),
                settings.answerInstruction());
    }

    @Override
    public LossResult heldOutLoss(Iterable<TrainingSample> samples, LossRule rule) {
        if (samples == null || rule == null) {
            throw new InvalidInputException("heldOutLoss needs samples and a loss rule");
        }
        tokenizer();
        long start = System.nanoTime();
        HeldOutLoss.Result r = new HeldOutLoss(model, rule, rendering.template(), settings.packLength(),
                settings.batchSize()).compute(samples, settings.maxHeldOutRows());
        logger.info("Held-out loss {} over {} target tokens in {} rows ({} skipped) in {} ms", r.loss(),
                r.targetTokens(), r.rows(), r.skipped(), (System.nanoTime() - start) / 1_000_000);
        return new LossResult(r.loss(), r.targetTokens(), r.rows(), r.skipped());
    }

    @Override
    public List<Continuation> logLikelihoods(Conversation context, List<String> continuations) {
        if (context == null) {
            throw new InvalidInputException("context must not be null");
        }
        return scorer().score(context, continuations);
    }

    @Override
    public EvaluationReport evaluate(Benchmark benchmark, Consumer<ItemResult> onItem) {
        if (benchmark == null) {
            throw new InvalidInputException("benchmark must not be null");
        }
        long start = System.nanoTime();
        ChoiceScorer scorer = scorer();
        Generator generator = Generator.builder(model).chatTemplate(rendering.template())
                .imagePatcher(rendering.patcher()).imageClose(rendering.imageClose()).build();
        GenerationConfig greedy = GenerationConfig.builder().maxNewTokens(settings.maxNewTokens()).build();
        List<BenchmarkItem> items = benchmark.items();
        List<ItemResult> results = new ArrayList<>(items.size());
        for (int from = 0; from < items.size(); from += settings.batchSize()) {
            List<BenchmarkItem> chunk = items.subList(from, Math.min(items.size(), from + settings.batchSize()));
            List<String> answers = generate(generator, greedy, chunk);
            for (int i = 0; i < chunk.size(); i++) {
                ItemResult r = score(scorer, chunk.get(i), answers.get(i));
                results.add(r);
                if (onItem != null) {
                    onItem.accept(r);
                }
            }
        }
        logger.info("Evaluated {} items of {} in {} ms", items.size(), benchmark.name(),
                (System.nanoTime() - start) / 1_000_000);
        return EvaluationReport.of(benchmark.name(), results);
    }

    /** @return each item's greedy answer, or null for items that generate nothing */
    private List<String> generate(Generator generator, GenerationConfig greedy, List<BenchmarkItem> chunk) {
        List<Conversation> asked = new ArrayList<>();
        List<Integer> which = new ArrayList<>();
        for (int i = 0; i < chunk.size(); i++) {
            BenchmarkItem item = chunk.get(i);
            if (!item.isMultipleChoice()) {
                asked.add(prompts.shortAnswer(item));
                which.add(i);
            } else if (settings.choices().byLetter()) {
                asked.add(prompts.letter(item));
                which.add(i);
            }
        }
        List<String> answers = new ArrayList<>(java.util.Collections.nCopies(chunk.size(), (String) null));
        if (asked.isEmpty()) {
            return answers;
        }
        List<GenerationResult> generated;
        try {
            generated = generator.generateBatch(asked, greedy);
        } catch (SoloException e) {
            // the batch does not say which prompt failed: ask one by one to name the item
            generated = new ArrayList<>(asked.size());
            for (int k = 0; k < asked.size(); k++) {
                BenchmarkItem item = chunk.get(which.get(k));
                try {
                    generated.add(generator.generate(asked.get(k), greedy));
                } catch (SoloException single) {
                    throw new InvalidInputException(item.origin() + ": " + single.getMessage(), single);
                }
            }
        }
        for (int k = 0; k < asked.size(); k++) {
            answers.set(which.get(k), generated.get(k).text().strip());
        }
        return answers;
    }

    private ItemResult score(ChoiceScorer scorer, BenchmarkItem item, String generated) {
        if (!item.isMultipleChoice()) {
            return new ItemResult(item.id(), item.category(), -1, item.answers(), List.of(), List.of(), -1, -1,
                    generated, -1, AnswerMetrics.exactMatch(generated, item.answers()),
                    AnswerMetrics.tokenF1(generated, item.answers()));
        }
        List<Double> sums = new ArrayList<>();
        List<Integer> lengths = new ArrayList<>();
        int best = -1;
        int bestNorm = -1;
        if (settings.choices().byLikelihood()) {
            List<Continuation> scores;
            try {
                scores = scorer.score(prompts.choices(item), item.choices());
            } catch (SoloException e) {
                throw new InvalidInputException(item.origin() + ": " + e.getMessage(), e);
            }
            for (int c = 0; c < scores.size(); c++) {
                Continuation s = scores.get(c);
                sums.add(s.logLikelihood());
                lengths.add(s.tokens());
                // strictly greater: ties go to the first choice, as numpy's argmax in lm-eval
                if (best < 0 || s.logLikelihood() > sums.get(best)) {
                    best = c;
                }
                if (bestNorm < 0 || s.perToken() > scores.get(bestNorm).perToken()) {
                    bestNorm = c;
                }
            }
        }
        int lettered = generated == null ? -1 : AnswerMetrics.choiceIndex(generated, item.choices().size());
        return new ItemResult(item.id(), item.category(), item.answerIndex(), item.answers(), sums, lengths, best,
                bestNorm, generated, lettered, Double.NaN, Double.NaN);
    }

    private ChoiceScorer scorer() {
        return new ChoiceScorer(model, rendering.template(),
                new ChatTemplate.Context(tokenizer(), rendering.patcher(), rendering.imageClose()));
    }

    private SoloTokenizer tokenizer() {
        return model.tokenizer().orElseThrow(() -> new InvalidInputException(
                "the model has no tokenizer: load a checkpoint folder with tokenizer.json or attachTokenizer(...)"));
    }
}
