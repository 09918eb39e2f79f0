package ai.solo.impl.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.solo.EngineException;
import ai.solo.InvalidInputException;
import ai.solo.ModelBatch;
import ai.solo.SoloException;
import ai.solo.eval.Continuation;
import ai.solo.generate.ChatTemplate;
import ai.solo.generate.Conversation;
import ai.solo.impl.engine.Engines;
import ai.solo.impl.model.DjlSoloModel;
import ai.solo.text.TokenSequence;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Log-likelihoods of several answers to one prompt in one forward pass: each answer is rendered
 * after the prompt by the chat template (as training lays answers out), the sequences are
 * right-padded into one batch, and the output head runs only at the positions that predict an
 * answer token ({@code [N, hidden] -> [N, vocab]}), not over the whole batch. Thread-safe.
 */
final class ChoiceScorer {
    private final DjlSoloModel model;
    private final ChatTemplate template;
    private final ChatTemplate.Context context;

    /**
     * @param model the model
     * @param template the chat format
     * @param context tokenizer, patcher and image layout
     */
    ChoiceScorer(DjlSoloModel model, ChatTemplate template, ChatTemplate.Context context) {
        this.model = model;
        this.template = template;
        this.context = context;
    }

    /**
     * A continuation laid out after its prompt.
     *
     * @param sequence prompt then answer, cut after the answer's last token
     * @param targets positions of the answer's tokens in {@code sequence}
     */
    record Laid(TokenSequence sequence, int[] targets) {
    }

    /**
     * @param prompt turns ending with a user turn
     * @param answers non-blank answers
     * @return each answer's summed log-probability, token count and whether it is greedy
     */
    List<Continuation> score(Conversation prompt, List<String> answers) {
        List<Laid> laid = layOut(prompt, answers);
        List<TokenSequence> sequences = new ArrayList<>(laid.size());
        laid.forEach(l -> sequences.add(l.sequence()));
        ModelBatch batch = ModelBatch.of(sequences);
        int t = batch.seqLen();
        int n = 0;
        for (Laid l : laid) {
            n += l.targets().length;
        }
        long[] rows = new long[n];    // flat [B * T] index of the position predicting each answer token
        long[] tokens = new long[n];  // that answer token
        int k = 0;
        for (int b = 0; b < laid.size(); b++) {
            Laid l = laid.get(b);
            for (int pos : l.targets()) {
                rows[k] = (long) b * t + pos - 1;
                tokens[k] = l.sequence().inputIds()[pos];
                k++;
            }
        }
        float[][] out = model.withOpenModel(() -> forward(batch, rows, tokens));
        float[] logProbs = out[0];
        float[] best = out[1];
        List<Continuation> result = new ArrayList<>(laid.size());
        k = 0;
        for (Laid l : laid) {
            double sum = 0;
            boolean greedy = true;
            for (int i = 0; i < l.targets().length; i++, k++) {
                sum += logProbs[k];
                greedy &= best[k] == tokens[k];
            }
            result.add(new Continuation(sum, l.targets().length, greedy));
        }
        return result;
    }

    /** @return {log p of each answer token [N], the most likely token at each of those positions [N]} */
    private float[][] forward(ModelBatch batch, long[] rows, long[] tokens) {
        try (NDScope scope = new NDScope(); NDManager manager = model.weights().manager().newSubManager()) {
            scope.suppressNotUsedWarning();
            float[][] out = new float[2][];
            Engines.withoutGradient(() -> {
                NDArray hidden = model.transformer().hidden(batch, manager); // [B, T, hidden]
                NDArray flat = hidden.reshape(-1, hidden.getShape().get(2));   // [B * T, hidden]
                NDArray index = manager.create(rows);
                // an embedding lookup into the hidden states picks the rows: [N, hidden]
                NDArray picked = index.getNDArrayInternal().embedding(index, flat, SparseFormat.DENSE)
                        .singletonOrThrow();
                NDArray logProbs = model.transformer().head(picked).logSoftmax(-1); // [N, vocab]
                out[0] = logProbs.gather(manager.create(tokens, new Shape(tokens.length, 1)), 1)
                        .toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
                out[1] = logProbs.argMax(-1).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
            });
            return out;
        } catch (SoloException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new EngineException("scoring answers failed: " + e.getMessage(), e);
        }
    }

    /** Renders each answer after the prompt and finds its tokens. */
    private List<Laid> layOut(Conversation prompt, List<String> answers) {
        if (answers == null || answers.isEmpty()) {
            throw new InvalidInputException("give at least one answer to score");
        }
        List<Conversation.Message> turns = prompt.messages();
        if (turns.get(turns.size() - 1).role() != Conversation.Role.USER) {
            throw new InvalidInputException("the prompt of scored answers must end with a user turn");
        }
        int[] promptIds = template.render(prompt, context).inputIds();
        int eos = context.tokenizer().eosTokenId();
        List<Laid> out = new ArrayList<>(answers.size());
        for (int a = 0; a < answers.size(); a++) {
            String answer = answers.get(a);
            if (answer == null || answer.isBlank()) {
                throw new InvalidInputException("answer " + a + " to score is blank");
            }
            List<Conversation.Message> withAnswer = new ArrayList<>(turns);
            withAnswer.add(new Conversation.Message(Conversation.Role.ASSISTANT, ai.solo.generate.Prompt.of(answer)));
            TokenSequence full = template.render(new Conversation(withAnswer), context);
            int[] ids = full.inputIds();
            if (ids.length < promptIds.length || !Arrays.equals(ids, 0, promptIds.length, promptIds, 0, promptIds.length)) {
                throw new InvalidInputException("the chat template lays the prompt out differently when an answer "
                        + "follows: answers can only be scored after a prompt that is a prefix of the whole");
            }
            int[] targets = new int[ids.length - promptIds.length];
            int count = 0;
            for (int p = promptIds.length; p < ids.length; p++) {
                if (full.lossMask()[p]) {
                    targets[count++] = p;
                }
            }
            // the answer's closing </s> is the template's, not the answer's: lm-eval scores the text alone
            if (count > 0 && ids[targets[count - 1]] == eos) {
                count--;
            }
            if (count == 0 || targets[0] == 0) {
                throw new InvalidInputException("answer " + a + " (\"" + answer + "\") has no token to score after "
                        + "the prompt");
            }
            targets = Arrays.copyOf(targets, count);
            out.add(new Laid(cut(full, targets[count - 1] + 1), targets));
        }
        return out;
    }

    /** @return the first {@code length} positions of a sequence (its patches all precede them) */
    private static TokenSequence cut(TokenSequence s, int length) {
        if (length == s.length()) {
            return s;
        }
        return new TokenSequence(Arrays.copyOf(s.inputIds(), length), Arrays.copyOf(s.patchIndices(), length),
                Arrays.copyOf(s.lossMask(), length), s.patches(), s.patchDim(), s.grids());
    }
}
