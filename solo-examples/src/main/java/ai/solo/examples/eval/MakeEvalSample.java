package ai.solo.examples.eval;

import ai.solo.examples.quickstart.EvalItem;
import ai.solo.examples.quickstart.SyntheticData;
import ai.solo.generate.Prompt;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;

/**
 * Writes the benchmark sample {@code solo evaluate} runs on: {@code bench.jsonl} plus
 * {@code images/NNN.png}, the quickstart's held-out evaluation questions (images the quickstart
 * never trains on) turned into a benchmark. Colour and shape, counting, position and chart-value
 * questions become multiple-choice, with the right answer and up to three other answers given
 * to the same question elsewhere in the held-out set, in a seeded order; reading questions, and
 * "Which bar is highest?" (answered by a bar's letter), stay short-answer.
 *
 * <pre>
 * bin/solo-example eval.MakeEvalSample solo-examples/data/eval-sample
 * bin/solo evaluate --model solo-quickstart/sft --data solo-examples/data/eval-sample/bench.jsonl
 * </pre>
 *
 * <p>Rerunning it reproduces the same JSONL bytes and image pixels (see
 * {@code finetune.MakeLlavaSample} on PNG bytes across JDKs).
 */
public final class MakeEvalSample {
    /** Items per category in the shipped sample. */
    public static final int PER_CATEGORY = 10;
    /** The quickstart's seed: these are the first items of its own held-out table. */
    public static final long SEED = 42;
    /** Held-out questions per category the distractors are drawn from. */
    private static final int POOL = 60;

    private MakeEvalSample() {
    }

    /**
     * @param args the output folder (default {@code solo-examples/data/eval-sample})
     */
    public static void main(String[] args) {
        if (args.length > 1) {
            System.err.println("usage: MakeEvalSample [OUT_DIR]");
            System.exit(2);
        }
        Path out = Path.of(args.length == 1 ? args[0] : "solo-examples/data/eval-sample");
        Path file = write(out, PER_CATEGORY, SEED);
        System.out.println("wrote " + PER_CATEGORY * EvalItem.CATEGORIES.size() + " items to " + file);
    }

    /**
     * @param out folder to write {@code bench.jsonl} and {@code images/} into, created if needed
     * @param perCategory items per category
     * @param seed data seed
     * @return the JSONL file
     */
    public static Path write(Path out, int perCategory, long seed) {
        Map<String, List<String>> answersByQuestion = new LinkedHashMap<>();
        for (EvalItem item : SyntheticData.evaluationSet(seed, Math.max(POOL, perCategory))) {
            answersByQuestion.computeIfAbsent(kind(item), k -> new ArrayList<>()).add(item.answer());
        }
        ObjectMapper json = new ObjectMapper();
        Random order = new Random(seed);
        StringBuilder lines = new StringBuilder();
        try {
            Path images = Files.createDirectories(out.resolve("images"));
            List<EvalItem> items = SyntheticData.evaluationSet(seed, perCategory);
            for (int i = 0; i < items.size(); i++) {
                EvalItem item = items.get(i);
                String name = String.format(Locale.ROOT, "%03d.png", i);
                ImageIO.write(image(item), "png", images.resolve(name).toFile());
                ObjectNode o = json.createObjectNode();
                o.put("id", String.format(Locale.ROOT, "eval-%03d", i));
                o.put("category", item.category());
                o.put("image", "images/" + name);
                o.put("question", item.question());
                List<String> choices = choices(item, answersByQuestion.get(kind(item)), order);
                if (choices.size() >= 2) {
                    choices.forEach(o.putArray("choices")::add);
                    o.put("answer", choices.indexOf(item.answer()));
                } else {
                    o.put("answer", item.answer());
                }
                lines.append(json.writeValueAsString(o)).append('\n');
            }
            Path file = out.resolve("bench.jsonl");
            Files.writeString(file, lines, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the evaluation sample to " + out, e);
        }
    }

    /** Questions asked the same way share their answers: "What is the value of bar B?" and "... bar C?" too. */
    private static String kind(EvalItem item) {
        String q = item.question();
        if (q.startsWith("What is the value of bar")) {
            return "bar value";
        }
        return item.category().equals(EvalItem.POSITION) ? "side" : q;
    }

    /**
     * @return the right answer and up to three others, shuffled; empty (a short-answer item) for
     *     reading, and for answers that are letters themselves ("Which bar is highest?"), which
     *     would be mistaken for the letters the choices are listed under
     */
    private static List<String> choices(EvalItem item, List<String> pool, Random order) {
        if (item.category().equals(EvalItem.READING) || item.answer().matches("[A-Z]")) {
            return List.of();
        }
        Set<String> others = new LinkedHashSet<>(pool);
        others.remove(item.answer());
        List<String> distractors = new ArrayList<>(others);
        Collections.shuffle(distractors, order);
        List<String> choices = new ArrayList<>(distractors.subList(0, Math.min(3, distractors.size())));
        choices.add(item.answer());
        Collections.shuffle(choices, order);
        return choices;
    }

    private static BufferedImage image(EvalItem item) {
        Prompt.Image part = (Prompt.Image) item.prompt().parts().get(0);
        return ((Prompt.DecodedImage) part.source()).image();
    }
}
