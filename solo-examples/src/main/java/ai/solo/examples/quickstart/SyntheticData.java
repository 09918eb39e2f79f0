package ai.solo.examples.quickstart;

import ai.solo.InvalidInputException;
import ai.solo.generate.Conversation;
import ai.solo.generate.Prompt;
import ai.solo.train.SampleSource;
import ai.solo.train.TrainingSample;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * Synthetic vision-language data for the quickstart: sample streams for every training stage
 * (SPEC §4) and an exact-match evaluation set, all drawn from small rendered scenes of coloured
 * shapes, rendered words and numbers, bar charts and a templated text corpus.
 *
 * <pre>{@code
 * SampleSource stage1 = SyntheticData.stage1(42, 20_000);       // "red star"
 * SampleSource stage2 = SyntheticData.stage2(42, 20_000);       // captions
 * SampleSource text = SyntheticData.text(42, 10_000);           // the text-only blend
 * SampleSource sft = SyntheticData.sft(42, 10_000);             // questions and short answers
 * List<EvalItem> eval = SyntheticData.evaluationSet(42, 50);    // 50 per category, held out
 * }</pre>
 *
 * <p><b>Reproducible and lazy.</b> Sample {@code i} of a stream is generated on demand from
 * {@code (seed, stream, i, split)} alone: every pass over a source yields the same samples, pixels
 * included, and nothing is held in memory, so {@code count} may be as large as wanted.
 *
 * <p><b>Held out.</b> See {@link Split}: training and held-out samples never share an image (or,
 * for the text stream, a text).
 *
 * <p>Images are laid out in 32-pixel cells, one per patch of the quickstart model: 1-7 cells on a
 * side (32-224 px, aspect ratios from 1:4 to 7:1), one shape or one character per cell. Single
 * shapes (Stage 1, colour and shape questions) get 1-3 cells per side, scenes to count or to
 * place 2-4, so the first task is learnt on short sequences. See {@link Scene} for why.
 * All methods are thread-safe.
 */
public final class SyntheticData {

    private static final int STAGE1 = 1;
    private static final int STAGE2 = 2;
    private static final int SFT = 3;
    private static final int TEXT = 4;
    /** Redraws before giving up on the split; each draw lands in the wanted split with p = 1/2. */
    private static final int MAX_DRAWS = 200;

    private SyntheticData() {
    }

    /**
     * Which side of the train/held-out partition samples come from. Two mechanisms keep them apart:
     * <ol>
     *   <li>separate seed streams: sample {@code i} of a split draws from a random generator seeded
     *       with {@code (seed, stream, 2i)} for training and {@code (seed, stream, 2i + 1)} held
     *       out;</li>
     *   <li>a content partition that makes the guarantee exact: a 64-bit hash of the rendered
     *       pixels (of the text, for the text stream) assigns every possible image to exactly one
     *       split, and a draw whose image belongs to the other split is thrown away and redrawn
     *       from the same generator. Identical images hash alike, so no image can occur on both
     *       sides, in any stream: a held-out evaluation image was never trained on.</li>
     * </ol>
     * Held-out samples still share vocabulary with training ones (the same words, colours and
     * shapes, differently drawn): the evaluation measures generalisation to new images.
     */
    public enum Split {
        /** Samples to train on. */
        TRAIN,
        /** Samples never trained on, for evaluation. */
        HELD_OUT
    }

    /**
     * @param seed data seed
     * @param count samples per pass
     * @return Stage-1 {@code CLASS_LABEL} samples: a one-shape scene labelled e.g. {@code "red star"}
     */
    public static SampleSource stage1(long seed, int count) {
        return stage1(seed, count, Split.TRAIN);
    }

    /**
     * @param seed data seed
     * @param count samples per pass
     * @param split training or held-out samples
     * @return Stage-1 {@code CLASS_LABEL} samples: a one-shape scene labelled e.g. {@code "red star"}
     */
    public static SampleSource stage1(long seed, int count, Split split) {
        return source("stage1", seed, count, split, i -> {
            Drawn d = draw(seed, STAGE1, i, split, r -> Scene.random(r, 1, 1, 1, 3));
            return imageSample(d, ((Scene) d.picture()).label(), TrainingSample.Kind.CLASS_LABEL, origin("stage1", split, i));
        });
    }

    /**
     * @param seed data seed
     * @param count samples per pass
     * @return Stage-2 {@code CAPTION} samples: half scene captions, a quarter text images
     *     captioned with their exact text, a quarter charts captioned with their values
     */
    public static SampleSource stage2(long seed, int count) {
        return stage2(seed, count, Split.TRAIN);
    }

    /**
     * @param seed data seed
     * @param count samples per pass
     * @param split training or held-out samples
     * @return Stage-2 {@code CAPTION} samples, as {@link #stage2(long, int)}
     */
    public static SampleSource stage2(long seed, int count, Split split) {
        return source("stage2", seed, count, split, i -> {
            Function<SplittableRandom, Picture> maker = switch ((int) (i % 4)) {
                case 0, 1 -> r -> Scene.random(r, 1, 4, 2, 4);
                case 2 -> TextImage::random;
                default -> Chart::random;
            };
            Drawn d = draw(seed, STAGE2, i, split, maker);
            return imageSample(d, d.picture().caption(), TrainingSample.Kind.CAPTION, origin("stage2", split, i));
        });
    }

    /**
     * @param seed data seed
     * @param count samples per pass
     * @return SFT {@code CONVERSATION} samples: {@link #question} {@code 0..count-1}, cycling
     *     through the categories of {@link EvalItem#CATEGORIES}
     */
    public static SampleSource sft(long seed, int count) {
        return sft(seed, count, Split.TRAIN);
    }

    /**
     * @param seed data seed
     * @param count samples per pass
     * @param split training or held-out samples
     * @return SFT {@code CONVERSATION} samples, as {@link #sft(long, int)}
     */
    public static SampleSource sft(long seed, int count, Split split) {
        return source("sft", seed, count, split, i -> {
            Asked a = ask(seed, i, split);
            return a.question().toSample(a.image(), origin("sft", split, i));
        });
    }

    /**
     * @param seed data seed
     * @param count samples per pass
     * @return {@code TEXT} samples: one to three templated sentences about shapes, colours,
     *     counting and charts, e.g. {@code "Two plus three is five."}
     */
    public static SampleSource text(long seed, int count) {
        return text(seed, count, Split.TRAIN);
    }

    /**
     * @param seed data seed
     * @param count samples per pass
     * @param split training or held-out samples
     * @return {@code TEXT} samples, as {@link #text(long, int)}
     */
    public static SampleSource text(long seed, int count, Split split) {
        return source("text", seed, count, split, i -> {
            SplittableRandom r = new SplittableRandom(key(seed, TEXT, i, split));
            for (int draw = 0; draw < MAX_DRAWS; draw++) {
                String paragraph = Corpus.paragraph(r);
                if (splitOf(paragraph) == split) {
                    Conversation chat = Conversation.builder().assistant(paragraph).build();
                    return new TrainingSample(chat, TrainingSample.Kind.TEXT, origin("text", split, i));
                }
            }
            throw new IllegalStateException("no " + split + " text after " + MAX_DRAWS + " draws");
        });
    }

    /**
     * The SFT question number {@code index}, with its ground truth. Its category is
     * {@code EvalItem.CATEGORIES.get(index % 5)}.
     *
     * @param seed data seed
     * @param index question number, from 0
     * @param split training or held-out
     * @return the picture, question and canonical answer
     */
    public static VisualQuestion question(long seed, long index, Split split) {
        return ask(seed, index, split).question();
    }

    /**
     * Held-out evaluation questions: item {@code k} of a category is held-out SFT question
     * {@code 5k + c}, where {@code c} is the category's place in {@link EvalItem#CATEGORIES}.
     *
     * @param seed data seed
     * @param perCategory items per category
     * @return {@code 5 * perCategory} items, category by category
     */
    public static List<EvalItem> evaluationSet(long seed, int perCategory) {
        if (perCategory < 0) {
            throw new InvalidInputException("perCategory must be >= 0, got " + perCategory);
        }
        int categories = EvalItem.CATEGORIES.size();
        List<EvalItem> items = new ArrayList<>(categories * perCategory);
        for (int c = 0; c < categories; c++) {
            for (long k = 0; k < perCategory; k++) {
                Asked a = ask(seed, k * categories + c, Split.HELD_OUT);
                VisualQuestion q = a.question();
                items.add(new EvalItem(Prompt.builder().image(a.image()).text(q.question()).build(),
                        q.question(), q.answer(), q.category()));
            }
        }
        return List.copyOf(items);
    }

    private record Drawn(Picture picture, BufferedImage image, SplittableRandom random) {
    }

    private record Asked(VisualQuestion question, BufferedImage image) {
    }

    private static Asked ask(long seed, long index, Split split) {
        if (index < 0) {
            throw new InvalidInputException("question index must be >= 0, got " + index);
        }
        String category = EvalItem.CATEGORIES.get((int) (index % EvalItem.CATEGORIES.size()));
        Drawn d = draw(seed, SFT, index, split, switch (category) {
            case EvalItem.COLOUR_SHAPE -> r -> Scene.random(r, 1, 1, 1, 3);
            case EvalItem.COUNTING -> r -> Scene.random(r, 1, 4, 2, 4);
            case EvalItem.POSITION -> SyntheticData::sidedScene;
            case EvalItem.READING -> TextImage::random;
            default -> Chart::random;
        });
        SplittableRandom r = d.random();
        VisualQuestion q = switch (category) {
            case EvalItem.COLOUR_SHAPE -> shapeQuestion((Scene) d.picture(), r);
            case EvalItem.COUNTING -> new VisualQuestion(d.picture(), "How many shapes are there?",
                    String.valueOf(((Scene) d.picture()).shapes().size()), category);
            case EvalItem.POSITION -> positionQuestion((Scene) d.picture(), r);
            case EvalItem.READING -> new VisualQuestion(d.picture(), "What does the text say?",
                    ((TextImage) d.picture()).text(), category);
            default -> chartQuestion((Chart) d.picture(), r);
        };
        return new Asked(q, d.image());
    }

    private static VisualQuestion shapeQuestion(Scene s, SplittableRandom r) {
        Scene.Shape shape = s.shapes().get(0);
        return switch (r.nextInt(3)) {
            case 0 -> new VisualQuestion(s, "What shape is this?", shape.kind().word(), EvalItem.COLOUR_SHAPE);
            case 1 -> new VisualQuestion(s, "What colour is the shape?", shape.colour().word(), EvalItem.COLOUR_SHAPE);
            default -> new VisualQuestion(s, "Describe the shape.", shape.label(), EvalItem.COLOUR_SHAPE);
        };
    }

    private static VisualQuestion positionQuestion(Scene s, SplittableRandom r) {
        List<Scene.Shape> sided = s.shapes().stream().filter(x -> !x.side(s.width()).equals("middle")).toList();
        Scene.Shape shape = sided.get(r.nextInt(sided.size()));
        return new VisualQuestion(s, "Is the " + shape.label() + " on the left or the right?",
                shape.side(s.width()), EvalItem.POSITION);
    }

    private static VisualQuestion chartQuestion(Chart c, SplittableRandom r) {
        if (r.nextBoolean()) {
            return new VisualQuestion(c, "Which bar is highest?", Chart.label(c.highest()), EvalItem.CHART);
        }
        int bar = r.nextInt(c.values().size());
        return new VisualQuestion(c, "What is the value of bar " + Chart.label(bar) + "?",
                String.valueOf(c.values().get(bar)), EvalItem.CHART);
    }

    /** A scene with at least one shape wholly in the left or right half, to ask about. */
    private static Scene sidedScene(SplittableRandom r) {
        while (true) {
            Scene s = Scene.random(r, 1, 4, 2, 4);
            if (s.shapes().stream().anyMatch(x -> !x.side(s.width()).equals("middle"))) {
                return s;
            }
        }
    }

    /** Draws pictures from the sample's generator until one whose image belongs to {@code split}. */
    private static Drawn draw(long seed, int stream, long index, Split split, Function<SplittableRandom, Picture> maker) {
        SplittableRandom r = new SplittableRandom(key(seed, stream, index, split));
        for (int draw = 0; draw < MAX_DRAWS; draw++) {
            Picture picture = maker.apply(r);
            BufferedImage image = picture.render();
            if (splitOf(image) == split) {
                return new Drawn(picture, image, r);
            }
        }
        throw new IllegalStateException("no " + split + " image after " + MAX_DRAWS + " draws");
    }

    private static TrainingSample imageSample(Drawn d, String target, TrainingSample.Kind kind, String origin) {
        Conversation chat = Conversation.builder()
                .user(Prompt.builder().image(d.image()).build())
                .assistant(target)
                .build();
        return new TrainingSample(chat, kind, origin);
    }

    /** The generator seed of sample {@code index}: train uses slot {@code 2i}, held-out {@code 2i + 1}. */
    private static long key(long seed, int stream, long index, Split split) {
        long slot = 2 * index + (split == Split.HELD_OUT ? 1 : 0);
        return mix(mix(mix(seed) + stream) + slot);
    }

    static Split splitOf(BufferedImage image) {
        long h = 0xCBF29CE484222325L ^ ((long) image.getWidth() << 32 | image.getHeight());
        for (int p : ((DataBufferInt) image.getRaster().getDataBuffer()).getData()) {
            h = (h ^ (p & 0xFFFFFF)) * 0x100000001B3L;
        }
        return (mix(h) & 1) == 0 ? Split.TRAIN : Split.HELD_OUT;
    }

    static Split splitOf(String text) {
        long h = 0xCBF29CE484222325L;
        for (int i = 0; i < text.length(); i++) {
            h = (h ^ text.charAt(i)) * 0x100000001B3L;
        }
        return (mix(h) & 1) == 0 ? Split.TRAIN : Split.HELD_OUT;
    }

    /** SplitMix64's finaliser: a well-mixed 64-bit hash of {@code z}. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static String origin(String stream, Split split, long index) {
        return "synthetic:" + stream + ":" + split.name().toLowerCase(java.util.Locale.ROOT) + ":" + index;
    }

    private static SampleSource source(String stream, long seed, int count, Split split, LongFunction<TrainingSample> sample) {
        if (count < 0) {
            throw new InvalidInputException("count must be >= 0, got " + count);
        }
        if (split == null) {
            throw new InvalidInputException("split must not be null");
        }
        String name = "synthetic-" + stream + "[seed=" + seed + ", " + split.name().toLowerCase(java.util.Locale.ROOT)
                + ", " + count + "]";
        return new SampleSource() {
            @Override
            public Iterator<TrainingSample> iterator() {
                return new Iterator<>() {
                    private long next;

                    @Override
                    public boolean hasNext() {
                        return next < count;
                    }

                    @Override
                    public TrainingSample next() {
                        if (!hasNext()) {
                            throw new NoSuchElementException();
                        }
                        return sample.apply(next++);
                    }
                };
            }

            @Override
            public String name() {
                return name;
            }
        };
    }
}
