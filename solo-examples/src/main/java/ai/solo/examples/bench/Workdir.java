package ai.solo.examples.bench;

import ai.solo.SoloConfig;
import ai.solo.SoloModel;
import ai.solo.image.ImagePatcher;
import ai.solo.image.ImagePatches;
import ai.solo.text.ImageClose;
import ai.solo.text.SequenceBuilder;
import ai.solo.text.TokenSequence;
import ai.solo.text.VisionTokens;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * The inputs both sides read (layout in {@code bench/PROTOCOL.md}): random-weight checkpoints,
 * prompt images and their token ids, and the JPEGs for preprocessing. Written once; a
 * checkpoint already there with the same config is kept, as it takes seconds to write.
 */
public final class Workdir {
    /** SOLO-7B's appended ids: {@code <vision>} 32000, {@code <vpatch>} 32001, {@code <vrow_sep>} 32002. */
    public static final VisionTokens TOKENS = new VisionTokens(32000, 32001, 32002, 32003, 32004);
    /** Suppressed during generation: the whole appended block, as SOLO-7B does. */
    static final int FIRST_SUPPRESSED = 32000;
    static final int JPEG_COUNT = 20;
    static final int BATCH_REQUESTS = 8;
    private static final int[] PROMPT_TEXT = {1824, 349, 4894, 297, 456, 5754, 28804, 26307, 579, 28723};
    private static final int[][] BATCH_SIZES = {{256, 256}, {320, 256}, {256, 320}, {384, 256}, {256, 384},
        {320, 320}, {384, 384}, {448, 256}};
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;

    private Workdir(Path dir) {
        this.dir = dir;
    }

    /**
     * @param dir the folder; its inputs are assumed written
     * @return a view of it
     */
    public static Workdir at(Path dir) {
        return new Workdir(dir);
    }

    /**
     * Writes every input that is missing.
     *
     * @param dir the folder (created)
     * @param configs the config names to write checkpoints for
     * @return the work folder
     */
    public static Workdir prepare(Path dir, List<String> configs) {
        Workdir w = new Workdir(dir);
        try {
            Files.createDirectories(dir.resolve("jpeg"));
            for (String name : configs) {
                w.checkpoint(name);
            }
            w.prompts();
            for (int i = 0; i < JPEG_COUNT; i++) {
                Path f = dir.resolve("jpeg").resolve(String.format("photo-%02d.jpg", i));
                if (!Files.exists(f)) {
                    writeJpeg(picture(1024, 768, i), f, 0.9f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write benchmark inputs in " + dir, e);
        }
        return w;
    }

    /** @return the folder */
    public Path dir() {
        return dir;
    }

    /** @return the checkpoint folder of a config */
    public Path model(String config) {
        return dir.resolve(config);
    }

    private void checkpoint(String name) throws IOException {
        Path out = model(name);
        SoloConfig config = BenchConfigs.config(name);
        if (Files.exists(out.resolve("model.safetensors")) && Files.exists(out.resolve("config.json"))
                && SoloConfig.read(out.resolve("config.json")).equals(config)) {
            return;
        }
        try (SoloModel model = SoloModel.create(config, 1)) {
            model.save(out);
        }
    }

    private void prompts() throws IOException {
        ImageIO.write(picture(1024, 1024, 100), "png", dir.resolve("image-1024.png").toFile());
        Map<String, Object> prompt = new LinkedHashMap<>();
        prompt.put("ids", ids(prompt(dir.resolve("image-1024.png"), PROMPT_TEXT)));
        prompt.put("image", "image-1024.png");
        JSON.writeValue(dir.resolve("prompt-1024.json").toFile(), prompt);

        List<Map<String, Object>> requests = new ArrayList<>();
        for (int i = 0; i < BATCH_REQUESTS; i++) {
            String name = "batch-" + i + ".png";
            ImageIO.write(picture(BATCH_SIZES[i][0], BATCH_SIZES[i][1], 200 + i), "png", dir.resolve(name).toFile());
            int[] text = Arrays.copyOf(PROMPT_TEXT, 3 + i);
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("ids", ids(prompt(dir.resolve(name), text)));
            request.put("image", name);
            requests.add(request);
        }
        JSON.writeValue(dir.resolve("batch.json").toFile(), Map.of("requests", requests));
    }

    /**
     * @param patches the patches of {@code image-1024.png}
     * @return the generation prompt: image, {@code <s>}, 10 text ids
     */
    static TokenSequence generationPrompt(ImagePatches patches) {
        return prompt(patches, PROMPT_TEXT);
    }

    /** @return the decoded images of the batch measurement's 8 requests */
    List<BufferedImage> batchImages() {
        return IntStream.range(0, BATCH_REQUESTS).mapToObj(i -> {
            try {
                return ImageIO.read(dir.resolve("batch-" + i + ".png").toFile());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read batch image " + i + " in " + dir, e);
            }
        }).toList();
    }

    /**
     * @param patcher the patcher to use
     * @param images {@link #batchImages()}
     * @return the 8 prompts of the batch measurement
     */
    static List<TokenSequence> batchPrompts(ImagePatcher patcher, List<BufferedImage> images) {
        return IntStream.range(0, BATCH_REQUESTS).mapToObj(i -> prompt(patcher.patchify(images.get(i)),
                Arrays.copyOf(PROMPT_TEXT, 3 + i))).toList();
    }

    /**
     * The files say what both sides run: a Java prompt that differs from them is a bug here.
     * Called once per measurement, outside its timed passes.
     *
     * @param prompt {@link #generationPrompt}
     * @throws IllegalStateException if {@code prompt-1024.json} holds other ids
     */
    void checkGenerationPrompt(TokenSequence prompt) {
        requireIds(prompt, readJson("prompt-1024.json").get("ids"), "prompt-1024.json");
    }

    /**
     * @param prompts {@link #batchPrompts}
     * @throws IllegalStateException if {@code batch.json} holds other ids
     */
    void checkBatchPrompts(List<TokenSequence> prompts) {
        JsonNode requests = readJson("batch.json").get("requests");
        for (int i = 0; i < prompts.size(); i++) {
            requireIds(prompts.get(i), requests.get(i).get("ids"), "batch.json (request " + i + ")");
        }
    }

    private JsonNode readJson(String file) {
        try {
            return JSON.readTree(dir.resolve(file).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.resolve(file), e);
        }
    }

    private static void requireIds(TokenSequence prompt, JsonNode ids, String where) {
        int[] expected = new int[ids.size()];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = ids.get(i).asInt();
        }
        if (!Arrays.equals(expected, prompt.inputIds())) {
            throw new IllegalStateException(where + " does not match the prompt built from its image: rerun with"
                    + " a fresh --workdir");
        }
    }

    /** @return image tokens, {@code <s>}, then the text ids; patches from the SDK's patcher */
    static TokenSequence prompt(Path image, int[] text) {
        return prompt(ImagePatcher.create().patchify(image), text);
    }

    /** @return image tokens, {@code <s>}, then the text ids */
    static TokenSequence prompt(ImagePatches patches, int[] text) {
        return SequenceBuilder.create(TOKENS, ImageClose.VISION).image(patches).token(1, false).tokens(text, false)
                .build();
    }

    private static List<Integer> ids(TokenSequence s) {
        return Arrays.stream(s.inputIds()).boxed().toList();
    }

    /** A photo-like picture: soft gradients, shapes with edges, and sensor noise, so JPEG has work to do. */
    static BufferedImage picture(int width, int height, int seed) {
        SplittableRandom random = new SplittableRandom(seed);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setPaint(new GradientPaint(0, 0, new Color(random.nextInt(0xFFFFFF)), width, height,
                new Color(random.nextInt(0xFFFFFF))));
        g.fillRect(0, 0, width, height);
        for (int i = 0; i < 40; i++) {
            g.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256), 160));
            int w = 20 + random.nextInt(width / 3);
            int h = 20 + random.nextInt(height / 3);
            if (i % 2 == 0) {
                g.fillOval(random.nextInt(width), random.nextInt(height), w, h);
            } else {
                g.fillRect(random.nextInt(width), random.nextInt(height), w, h);
            }
        }
        g.dispose();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = img.getRGB(x, y);
                int n = random.nextInt(13) - 6;
                int r = clamp(((rgb >> 16) & 0xFF) + n);
                int gr = clamp(((rgb >> 8) & 0xFF) + n);
                int b = clamp((rgb & 0xFF) + n);
                img.setRGB(x, y, (r << 16) | (gr << 8) | b);
            }
        }
        return img;
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    private static void writeJpeg(BufferedImage img, Path file, float quality) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality);
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(img, null, null), param);
        } finally {
            writer.dispose();
        }
    }
}
