package ai.solo.tests.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import ai.solo.examples.quickstart.Chart;
import ai.solo.examples.quickstart.Colour;
import ai.solo.examples.quickstart.EvalItem;
import ai.solo.examples.quickstart.Scene;
import ai.solo.examples.quickstart.ShapeKind;
import ai.solo.examples.quickstart.SyntheticData;
import ai.solo.examples.quickstart.SyntheticData.Split;
import ai.solo.examples.quickstart.TextImage;
import ai.solo.examples.quickstart.VisualQuestion;
import ai.solo.generate.Conversation;
import ai.solo.generate.Prompt;
import ai.solo.train.SampleSource;
import ai.solo.train.TrainingSample;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SyntheticDataTest {

    private static final long SEED = 1234;

    @Test
    void sameSeedGivesIdenticalSamplesPixelsIncluded() {
        for (BiFunction<Long, Integer, SampleSource> stream : streams()) {
            List<String> first = fingerprints(stream.apply(SEED, 40));
            List<String> again = fingerprints(stream.apply(SEED, 40));
            assertThat(again).isEqualTo(first);
            assertThat(fingerprints(stream.apply(SEED + 1, 40))).isNotEqualTo(first);
        }
    }

    @Test
    void everyPassOverASourceYieldsTheSameSamples() {
        SampleSource sft = SyntheticData.sft(SEED, 25);
        assertThat(fingerprints(sft)).isEqualTo(fingerprints(sft)).hasSize(25);
    }

    @Test
    void trainAndHeldOutShareNoImageOrText() {
        Set<String> train = new HashSet<>();
        Set<String> heldOut = new HashSet<>();
        String[] names = {"stage1", "stage2", "sft", "text"};
        List<BiFunction<Long, Integer, SampleSource>> trainStreams = streams();
        for (int s = 0; s < names.length; s++) {
            int n = 500;
            train.addAll(fingerprints(trainStreams.get(s).apply(SEED, n)));
            heldOut.addAll(fingerprints(heldOutStream(names[s], n)));
        }
        Set<String> trainImages = imageHashes(List.of(SyntheticData.stage1(SEED, 500), SyntheticData.stage2(SEED, 500),
                SyntheticData.sft(SEED, 500)));
        Set<String> heldOutImages = imageHashes(List.of(SyntheticData.stage1(SEED, 500, Split.HELD_OUT),
                SyntheticData.stage2(SEED, 500, Split.HELD_OUT), SyntheticData.sft(SEED, 500, Split.HELD_OUT)));

        assertThat(train).doesNotContainAnyElementsOf(heldOut);
        assertThat(trainImages).doesNotContainAnyElementsOf(heldOutImages);
        for (EvalItem item : SyntheticData.evaluationSet(SEED, 40)) {
            assertThat(trainImages).doesNotContain(pixelHash(image(item.prompt())));
        }
        System.out.printf("disjointness: %d train / %d held-out samples, %d / %d distinct images%n",
                train.size(), heldOut.size(), trainImages.size(), heldOutImages.size());
    }

    @Test
    void stage1LabelsAreColourAndShapeOfTheOnlyShape() {
        Set<String> labels = new HashSet<>();
        for (Colour c : Colour.values()) {
            for (ShapeKind k : ShapeKind.values()) {
                labels.add(c.word() + " " + k.word());
            }
        }
        Set<String> seen = new HashSet<>();
        for (TrainingSample s : SyntheticData.stage1(SEED, 300)) {
            assertThat(s.kind()).isEqualTo(TrainingSample.Kind.CLASS_LABEL);
            assertThat(s.conversation().messages()).extracting(Conversation.Message::role)
                    .containsExactly(Conversation.Role.USER, Conversation.Role.ASSISTANT);
            assertThat(image(s.conversation().messages().get(0).content())).isNotNull();
            String label = s.conversation().messages().get(1).text();
            assertThat(labels).contains(label);
            seen.add(label);
        }
        assertThat(seen.size()).as("distinct labels in 300 samples").isGreaterThan(30);
    }

    @Test
    void stage2CaptionsScenesTextAndCharts() {
        List<String> captions = new ArrayList<>();
        for (TrainingSample s : SyntheticData.stage2(SEED, 40)) {
            assertThat(s.kind()).isEqualTo(TrainingSample.Kind.CAPTION);
            captions.add(s.conversation().messages().get(1).text());
        }
        assertThat(captions).anyMatch(c -> c.matches("(one|two|three|four) shapes?: .*"));
        assertThat(captions).anyMatch(c -> c.matches("[A-Z]{3,5}|[0-9]{3,5}"));
        assertThat(captions).anyMatch(c -> c.matches("a bar chart: A [1-9], B [1-9], C [1-9].*"));
    }

    @Test
    void textSamplesAreOneAssistantTurnOfSentences() {
        for (TrainingSample s : SyntheticData.text(SEED, 100)) {
            assertThat(s.kind()).isEqualTo(TrainingSample.Kind.TEXT);
            assertThat(s.conversation().messages()).singleElement()
                    .satisfies(m -> assertThat(m.role()).isEqualTo(Conversation.Role.ASSISTANT))
                    .satisfies(m -> assertThat(m.text()).matches("[A-Z].*\\.").doesNotContain("crosss"));
        }
    }

    @Test
    void sceneAnswersMatchTheDrawnPixels() {
        for (long i = 0; i < 500; i++) {
            VisualQuestion q = SyntheticData.question(SEED, i, Split.TRAIN);
            if (!(q.picture() instanceof Scene scene)) {
                continue;
            }
            BufferedImage image = scene.render();
            for (Scene.Shape shape : scene.shapes()) {
                assertThat(image.getRGB(shape.centreX(), shape.centreY()) & 0xFFFFFF)
                        .as("centre of %s in %s", shape, scene).isEqualTo(shape.colour().rgb());
            }
            switch (q.category()) {
                case EvalItem.COUNTING -> assertThat(q.answer()).isEqualTo(String.valueOf(scene.shapes().size()));
                case EvalItem.COLOUR_SHAPE -> {
                    assertThat(scene.shapes()).hasSize(1);
                    Scene.Shape only = scene.shapes().get(0);
                    assertThat(q.answer()).isIn(only.label(), only.colour().word(), only.kind().word());
                }
                case EvalItem.POSITION -> {
                    Scene.Shape named = scene.shapes().stream()
                            .filter(s -> q.question().equals("Is the " + s.label() + " on the left or the right?"))
                            .collect(Collectors.toList()).get(0);
                    int centre = named.centreX();
                    assertThat(q.answer()).isEqualTo(centre < scene.width() / 2 ? "left" : "right");
                    // the whole shape is on the answered side: no pixel of its colour across the midline
                    int from = q.answer().equals("left") ? named.x() + named.size() : 0;
                    int to = q.answer().equals("left") ? scene.width() : named.x();
                    for (int x = from; x < to; x++) {
                        assertThat(image.getRGB(x, named.centreY()) & 0xFFFFFF).satisfiesAnyOf(
                                rgb -> assertThat(rgb).isNotEqualTo(named.colour().rgb()),
                                rgb -> assertThat(otherShapeCovers(scene, named)).isTrue());
                    }
                }
                default -> throw new AssertionError("scene in category " + q.category());
            }
        }
    }

    @Test
    void everyShapeKeepsInsideOneCell() {
        for (long i = 0; i < 500; i++) {
            if (SyntheticData.question(SEED, i, Split.HELD_OUT).picture() instanceof Scene scene) {
                Set<Integer> cells = new HashSet<>();
                for (Scene.Shape s : scene.shapes()) {
                    assertThat(s.x() / 32).as("%s", s).isEqualTo((s.x() + s.size()) / 32);
                    assertThat(s.y() / 32).as("%s", s).isEqualTo((s.y() + s.size()) / 32);
                    assertThat(cells.add(s.x() / 32 * 100 + s.y() / 32)).as("one shape per cell").isTrue();
                }
            }
        }
    }

    /** Ink only in the text's cells, and each of them holds some: one character per patch. */
    private static void assertGlyphsKeepToTheirCells(BufferedImage image, TextImage t) {
        int firstColumn = Math.floorDiv(t.left() + 16, 32);
        int row = Math.floorDiv(t.top() + 16, 32);
        int[] inkPerColumn = new int[image.getWidth() / 32];
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == t.ink()) {
                    assertThat(y / 32).as("row of ink at %d,%d in %s", x, y, t).isEqualTo(row);
                    inkPerColumn[x / 32]++;
                }
            }
        }
        for (int c = 0; c < inkPerColumn.length; c++) {
            boolean text = c >= firstColumn && c < firstColumn + t.text().length();
            assertThat(inkPerColumn[c] > 0).as("ink in column %d of %s", c, t).isEqualTo(text);
        }
    }

    @Test
    void chartAnswersMatchTheDrawnBars() {
        int charts = 0;
        for (long i = 4; i < 1000; i += 5) {
            VisualQuestion q = SyntheticData.question(SEED, i, Split.TRAIN);
            assertThat(q.category()).isEqualTo(EvalItem.CHART);
            Chart chart = (Chart) q.picture();
            BufferedImage image = chart.render();
            int max = chart.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
            assertThat(chart.values().stream().filter(v -> v == max)).hasSize(1);
            int tallest = -1;
            int tallestTop = Integer.MAX_VALUE;
            for (int b = 0; b < chart.values().size(); b++) {
                Rectangle r = chart.bar(b);
                assertThat(image.getRGB(r.x + r.width / 2, r.y + r.height / 2) & 0xFFFFFF).isEqualTo(chart.barColour().rgb());
                int top = topOfColour(image, r.x + r.width / 2, chart.barColour().rgb());
                if (top < tallestTop) {
                    tallestTop = top;
                    tallest = b;
                }
            }
            assertThat(tallest).isEqualTo(chart.highest());
            if (q.question().equals("Which bar is highest?")) {
                assertThat(q.answer()).isEqualTo(Chart.label(chart.values().indexOf(max)));
            } else {
                int bar = q.question().charAt("What is the value of bar ".length()) - 'A';
                assertThat(q.answer()).isEqualTo(String.valueOf(chart.values().get(bar)));
            }
            charts++;
        }
        assertThat(charts).isEqualTo(200);
    }

    @Test
    void readingAnswerIsTheRenderedText() {
        for (long i = 3; i < 300; i += 5) {
            VisualQuestion q = SyntheticData.question(SEED, i, Split.TRAIN);
            TextImage t = (TextImage) q.picture();
            assertThat(q.answer()).isEqualTo(t.text()).matches("[A-Z]{3,5}|[0-9]{3,5}");
            assertThat(inkPixels(t.render(), t.ink(), t.paper())).as(t.toString()).isGreaterThan(100);
        }
    }

    @Test
    void textRendersWithTheBitmapFontWhenFontsAreUnavailable() throws Exception {
        Field force = TextImage.class.getDeclaredField("forceBitmapFont");
        force.setAccessible(true);
        force.setBoolean(null, true);
        try {
            Set<String> texts = new HashSet<>();
            for (long i = 3; i < 200; i += 5) {
                VisualQuestion q = SyntheticData.question(SEED, i, Split.HELD_OUT);
                TextImage t = (TextImage) q.picture();
                assertThat(t.style().bitmap()).isTrue();
                BufferedImage image = t.render();
                // every glyph of the 5x7 font has ink, so each character adds at least one block
                assertThat(inkPixels(image, t.ink(), t.paper()))
                        .isGreaterThanOrEqualTo(t.text().length() * 5 * t.style().size() * t.style().size());
                assertThat(image.getHeight()).isIn(32, 64);
                assertGlyphsKeepToTheirCells(image, t);
                texts.add(pixelHash(image));
            }
            assertThat(texts).hasSize(40);
            assertThat(SyntheticData.evaluationSet(SEED, 3)).hasSize(15);
        } finally {
            force.setBoolean(null, false);
        }
    }

    @Test
    void imagesHaveVariedSizesAndAspectRatios() {
        Set<String> sizes = new HashSet<>();
        double minAspect = Double.MAX_VALUE;
        double maxAspect = 0;
        for (TrainingSample s : SyntheticData.stage2(SEED, 200)) {
            BufferedImage image = image(s.conversation().messages().get(0).content());
            assertThat(image.getWidth()).isBetween(32, 256);
            assertThat(image.getHeight()).isBetween(32, 256);
            // whole cells: the patcher never resizes, so every cell is exactly one patch
            assertThat(image.getWidth() % 32).isZero();
            assertThat(image.getHeight() % 32).isZero();
            sizes.add(image.getWidth() + "x" + image.getHeight());
            double aspect = (double) image.getWidth() / image.getHeight();
            minAspect = Math.min(minAspect, aspect);
            maxAspect = Math.max(maxAspect, aspect);
        }
        assertThat(sizes.size()).isGreaterThan(12);
        assertThat(minAspect).isLessThan(0.75);
        assertThat(maxAspect).isGreaterThan(2.0);
    }

    @Test
    void evaluationSetHasEveryCategoryWithShortAnswers() {
        List<EvalItem> items = SyntheticData.evaluationSet(SEED, 20);
        assertThat(items).hasSize(100);
        assertThat(items.stream().map(EvalItem::category).distinct()).containsExactlyElementsOf(EvalItem.CATEGORIES);
        for (EvalItem item : items) {
            assertThat(item.prompt().parts()).hasSize(2);
            assertThat(item.prompt().parts().get(1)).isEqualTo(new Prompt.Text(item.question()));
            assertThat(item.answer().split(" ").length).isLessThanOrEqualTo(2);
            assertThat(item.matches(" " + item.answer() + ".")).isTrue();
        }
        assertThat(items.stream().filter(i -> i.category().equals(EvalItem.POSITION)).map(EvalItem::answer))
                .contains("left", "right");
        assertThat(fingerprintsOf(SyntheticData.evaluationSet(SEED, 20))).isEqualTo(fingerprintsOf(items));
    }

    @Test
    void measuresThroughput() {
        long start = System.nanoTime();
        int n = 0;
        for (SampleSource s : List.of(SyntheticData.stage1(99, 250), SyntheticData.stage2(99, 250),
                SyntheticData.sft(99, 250), SyntheticData.text(99, 250))) {
            for (TrainingSample ignored : s) {
                n++;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("throughput: %d samples in %.2f s = %.0f samples/s%n", n, seconds, n / seconds);
        assertThat(n).isEqualTo(1000);
    }

    private static List<BiFunction<Long, Integer, SampleSource>> streams() {
        return List.of(SyntheticData::stage1, SyntheticData::stage2, SyntheticData::sft, SyntheticData::text);
    }

    private static SampleSource heldOutStream(String name, int n) {
        return switch (name) {
            case "stage1" -> SyntheticData.stage1(SEED, n, Split.HELD_OUT);
            case "stage2" -> SyntheticData.stage2(SEED, n, Split.HELD_OUT);
            case "sft" -> SyntheticData.sft(SEED, n, Split.HELD_OUT);
            default -> SyntheticData.text(SEED, n, Split.HELD_OUT);
        };
    }

    /** A sample's content: every turn's text and a hash of every image's pixels. */
    private static List<String> fingerprints(SampleSource source) {
        List<String> out = new ArrayList<>();
        for (TrainingSample s : source) {
            StringBuilder sb = new StringBuilder(s.kind().name());
            for (Conversation.Message m : s.conversation().messages()) {
                sb.append('|').append(m.role()).append(':').append(m.text());
                BufferedImage image = image(m.content());
                if (image != null) {
                    sb.append("|img:").append(pixelHash(image));
                }
            }
            out.add(sb.toString());
        }
        return out;
    }

    private static List<String> fingerprintsOf(List<EvalItem> items) {
        return items.stream().map(i -> i.question() + "|" + i.answer() + "|" + pixelHash(image(i.prompt()))).toList();
    }

    private static Set<String> imageHashes(List<SampleSource> sources) {
        Set<String> out = new HashSet<>();
        for (SampleSource source : sources) {
            for (TrainingSample s : source) {
                out.add(pixelHash(image(s.conversation().messages().get(0).content())));
            }
        }
        return out;
    }

    private static BufferedImage image(Prompt prompt) {
        for (Prompt.Part part : prompt.parts()) {
            if (part instanceof Prompt.Image image && image.source() instanceof Prompt.DecodedImage decoded) {
                return decoded.image();
            }
        }
        return null;
    }

    private static String pixelHash(BufferedImage image) {
        int[] pixels = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
        return image.getWidth() + "x" + image.getHeight() + ":" + Arrays.hashCode(pixels) + ":"
                + Arrays.hashCode(Arrays.stream(pixels).map(p -> p * 31 + 7).toArray());
    }

    private static int inkPixels(BufferedImage image, int ink, int paper) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y) & 0xFFFFFF;
                if (distance(rgb, ink) < distance(rgb, paper)) {
                    n++;
                }
            }
        }
        return n;
    }

    private static int distance(int a, int b) {
        return Math.abs((a >> 16 & 0xFF) - (b >> 16 & 0xFF)) + Math.abs((a >> 8 & 0xFF) - (b >> 8 & 0xFF))
                + Math.abs((a & 0xFF) - (b & 0xFF));
    }

    private static int topOfColour(BufferedImage image, int x, int rgb) {
        for (int y = 0; y < image.getHeight(); y++) {
            if ((image.getRGB(x, y) & 0xFFFFFF) == rgb) {
                return y;
            }
        }
        return Integer.MAX_VALUE;
    }

    private static boolean otherShapeCovers(Scene scene, Scene.Shape named) {
        return scene.shapes().stream().anyMatch(s -> s != named && s.colour() == named.colour());
    }
}
