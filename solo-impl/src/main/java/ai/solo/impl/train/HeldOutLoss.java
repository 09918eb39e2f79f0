package ai.solo.impl.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.solo.InvalidInputException;
import ai.solo.generate.ChatTemplate;
import ai.solo.image.ImagePatcher;
import ai.solo.impl.engine.Engines;
import ai.solo.impl.model.DjlSoloModel;
import ai.solo.text.ImageClose;
import ai.solo.text.SoloTokenizer;
import ai.solo.text.TokenSequence;
import ai.solo.train.LossRule;
import ai.solo.train.TrainingSample;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mean next-token loss of a model on held-out samples, laid out and packed exactly as the
 * trainer lays out training samples, so held-out and training losses are comparable. Used by
 * the trainer's periodic evaluation and by the evaluator.
 */
public final class HeldOutLoss {
    private static final Logger logger = LoggerFactory.getLogger(HeldOutLoss.class);

    /**
     * @param loss mean negative log-likelihood per target token (NaN when there were no targets)
     * @param targetTokens target tokens scored
     * @param rows packed rows scored
     * @param skipped samples that could not be used (unreadable image, images longer than a row)
     */
    public record Result(double loss, long targetTokens, int rows, int skipped) {
    }

    private final DjlSoloModel model;
    private final ExampleEncoder encoder;
    private final LossRule rule;
    private final ChatTemplate template;
    private final int packLength;
    private final int rowsPerBatch;

    /**
     * @param model a model with a tokenizer
     * @param rule which tokens are scored
     * @param template the chat format of conversation samples
     * @param packLength tokens per packed row
     * @param rowsPerBatch rows per forward pass
     */
    public HeldOutLoss(DjlSoloModel model, LossRule rule, ChatTemplate template, int packLength, int rowsPerBatch) {
        SoloTokenizer tokenizer = model.tokenizer().orElseThrow(() -> new ai.solo.InvalidInputException(
                "the model has no tokenizer: held-out loss lays text out with it; attachTokenizer(...) first"));
        this.model = model;
        this.encoder = new ExampleEncoder(tokenizer,
                ImagePatcher.builder().patchSize(model.config().visionPatchSize()).build(), ImageClose.VISION);
        this.rule = rule;
        this.template = template;
        this.packLength = packLength;
        this.rowsPerBatch = rowsPerBatch;
    }

    /**
     * @param samples held-out samples, read once
     * @param maxRows packed rows scored at most, so an evaluation stays cheap
     * @return the mean loss over every target token of the rows scored
     */
    public Result compute(Iterable<TrainingSample> samples, int maxRows) {
        Packer packer = new Packer(packLength);
        Iterator<TrainingSample> it = samples.iterator();
        List<List<TokenSequence>> rows = new ArrayList<>();
        double nll = 0;
        long targets = 0;
        int rowCount = 0;
        int skipped = 0;
        while (it.hasNext() && rowCount < maxRows) {
            TokenSequence seq = encode(packer, it.next());
            if (seq == null) {
                skipped++;
                continue;
            }
            List<TokenSequence> full = packer.push(seq);
            if (full != null) {
                rows.add(full);
                rowCount++;
            }
            if (rows.size() == rowsPerBatch) {
                nll += score(rows);
                targets += Packer.batch(rows, packLength).targetTokens();
                rows.clear();
            }
        }
        if (packer.hasRow() && rowCount < maxRows) {
            rows.add(packer.takeRow());
            rowCount++;
        }
        if (!rows.isEmpty()) {
            nll += score(rows);
            targets += Packer.batch(rows, packLength).targetTokens();
        }
        return new Result(targets == 0 ? Double.NaN : nll / targets, targets, rowCount, skipped);
    }

    private TokenSequence encode(Packer packer, TrainingSample sample) {
        try {
            TokenSequence seq = packer.fit(encoder.encode(sample, rule, template));
            if (seq == null) {
                logger.warn("Skipping {}: its images need more than a row of {} tokens", sample.origin(), packLength);
            }
            return seq;
        } catch (InvalidInputException e) {
            // a sample its data cannot support (an unreadable image); engine errors stop the evaluation
            logger.warn("Skipping {}: {}", sample.origin(), e.getMessage());
            return null;
        }
    }

    /** @return the summed negative log-likelihood of the rows' targets */
    private double score(List<List<TokenSequence>> rows) {
        PackedBatch b = Packer.batch(rows, packLength);
        if (b.targetTokens() == 0) {
            return 0;
        }
        try (NDScope scope = new NDScope(); NDManager manager = model.weights().manager().newSubManager()) {
            scope.suppressNotUsedWarning();
            double[] out = new double[1];
            Engines.withoutGradient(() -> out[0] = CausalLmLoss.sum(model.transformer(), b, manager).getFloat());
            return out[0];
        }
    }
}
