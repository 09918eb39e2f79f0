package ai.solo.eval;

import ai.solo.InvalidInputException;
import java.util.List;

/**
 * How the model did on one benchmark item. Fields that do not apply to the item's kind (or to
 * a metric that was switched off) are empty lists, -1, null or NaN.
 *
 * @param id the item's id
 * @param category the item's category
 * @param answerIndex the right choice (multiple-choice), or -1
 * @param answers the accepted answers
 * @param choiceLogLikelihoods per choice, the summed log-probability of its tokens after the
 *     prompt, {@code sum_t log p(choice_t | prompt, choice_<t)} (multiple-choice)
 * @param choiceTokens per choice, the number of tokens summed (multiple-choice)
 * @param predicted the choice with the highest summed log-likelihood, or -1
 * @param predictedNormalized the choice with the highest log-likelihood per token, or -1
 * @param generated the greedy answer, or null if nothing was generated
 * @param generatedChoice the choice the generated answer names by letter
 *     ({@link AnswerMetrics#choiceIndex}), -1 if none or not multiple-choice
 * @param exactMatch short-answer exact match (0 or 1), NaN for multiple-choice
 * @param f1 short-answer token F1, NaN for multiple-choice
 */
public record ItemResult(String id, String category, int answerIndex, List<String> answers,
        List<Double> choiceLogLikelihoods, List<Integer> choiceTokens, int predicted, int predictedNormalized,
        String generated, int generatedChoice, double exactMatch, double f1) {

    /**
     * Copies the lists and checks they agree.
     *
     * @param id the item's id
     * @param category the item's category
     * @param answerIndex the right choice, or -1
     * @param answers the accepted answers
     * @param choiceLogLikelihoods summed log-likelihood per choice
     * @param choiceTokens tokens per choice
     * @param predicted best choice by sum, or -1
     * @param predictedNormalized best choice per token, or -1
     * @param generated the greedy answer, or null
     * @param generatedChoice choice named by the generated letter, or -1
     * @param exactMatch exact match, or NaN
     * @param f1 token F1, or NaN
     */
    public ItemResult {
        if (id == null || category == null) {
            throw new InvalidInputException("an item result needs an id and a category");
        }
        answers = answers == null ? List.of() : List.copyOf(answers);
        choiceLogLikelihoods = choiceLogLikelihoods == null ? List.of() : List.copyOf(choiceLogLikelihoods);
        choiceTokens = choiceTokens == null ? List.of() : List.copyOf(choiceTokens);
        if (choiceLogLikelihoods.size() != choiceTokens.size()) {
            throw new InvalidInputException(id + ": " + choiceLogLikelihoods.size() + " log-likelihoods for "
                    + choiceTokens.size() + " token counts");
        }
    }

    /** @return whether the item has choices */
    public boolean isMultipleChoice() {
        return answerIndex >= 0;
    }

    /** @return whether the choices were scored by log-likelihood */
    public boolean scoredByLikelihood() {
        return !choiceLogLikelihoods.isEmpty();
    }

    /** @return whether the highest summed log-likelihood is the right choice */
    public boolean correct() {
        return isMultipleChoice() && predicted == answerIndex;
    }

    /** @return whether the highest per-token log-likelihood is the right choice */
    public boolean correctNormalized() {
        return isMultipleChoice() && predictedNormalized == answerIndex;
    }

    /** @return whether the generated letter names the right choice */
    public boolean letterCorrect() {
        return isMultipleChoice() && generatedChoice == answerIndex;
    }
}
