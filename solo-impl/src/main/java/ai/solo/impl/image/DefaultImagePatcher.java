package ai.solo.impl.image;

import ai.solo.InvalidInputException;
import ai.solo.image.ImagePatcher;
import ai.solo.image.ImagePatches;
import ai.solo.image.PatchGrid;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ImagePatcher} of this SDK: decode with {@link ImageDecoder}, convert with {@link
 * RgbConverter}, size with {@link ResizeRule}, resample with {@link PilResampler}, normalise and
 * cut with {@link PatchExtractor}, draw with {@link GridRenderer}; data URLs are unpacked by
 * {@link DataUrl}.
 *
 * <p>On SOLO-7B's settings and the golden fixture the patch values equal those of the Python
 * reference (Pillow 9.4, torchvision) to the last bit for PNG input. Transparent images differ
 * on purpose: alpha is composited on white (see {@link RgbConverter}).
 *
 * <p>Immutable and thread-safe.
 */
public final class DefaultImagePatcher implements ImagePatcher {

    private static final Logger logger = LoggerFactory.getLogger(DefaultImagePatcher.class);

    private final Settings settings;
    private final ImageDecoder decoder;

    /**
     * @param settings validated patch size, resolution and input limits
     * @throws InvalidInputException if {@code settings} is null
     */
    public DefaultImagePatcher(Settings settings) {
        if (settings == null) {
            throw new InvalidInputException("image patcher settings must not be null");
        }
        this.settings = settings;
        this.decoder = new ImageDecoder(settings.maxPixels(), settings.maxEncodedBytes());
    }

    @Override
    public Settings settings() {
        return settings;
    }

    /**
     * The resize rule of SPEC §2. A short side that would come out 0 (an image such as 1 x 5000)
     * is clamped to one patch. When the maximum resolution is not a multiple of the patch size
     * the long side is resized to it and the grid keeps only whole patches, as the reference's
     * {@code unfold} does.
     *
     * @param width source width in pixels, at least 1
     * @param height source height in pixels, at least 1
     * @return the grid the image is cut into
     */
    @Override
    public PatchGrid plan(int width, int height) {
        return ResizeRule.plan(width, height, settings.patchSize(), settings.maxResolution()).grid();
    }

    /**
     * @param file an encoded JPEG, PNG, BMP, GIF or WebP file
     * @return its patches
     * @throws InvalidInputException if the file is missing, empty, truncated, of an unknown
     *     format or too large; the message names the file
     */
    @Override
    public ImagePatches patchify(Path file) {
        byte[] encoded = decoder.readFile(file);
        return fromImage(decoder.decode(encoded, "image file " + file));
    }

    /**
     * @param encoded an encoded JPEG, PNG, BMP, GIF or WebP image
     * @return its patches
     * @throws InvalidInputException if the bytes are not a decodable image within the limits
     */
    @Override
    public ImagePatches patchify(byte[] encoded) {
        return fromImage(decoder.decode(encoded, "image bytes"));
    }

    /**
     * @param image a decoded image of any type; transparent pixels are composited on white
     * @return its patches
     * @throws InvalidInputException if {@code image} is null
     */
    @Override
    public ImagePatches patchify(BufferedImage image) {
        if (image == null) {
            throw new InvalidInputException("image must not be null");
        }
        return fromImage(image);
    }

    /**
     * @param dataUrl a {@code data:image/...;base64,...} URL
     * @return its patches
     * @throws InvalidInputException if the URL is not a base64 image data URL or its image is
     *     not decodable within the limits
     */
    @Override
    public ImagePatches patchifyDataUrl(String dataUrl) {
        byte[] encoded = DataUrl.decode(dataUrl, settings.maxEncodedBytes());
        return fromImage(decoder.decode(encoded, "data URL image"));
    }

    /**
     * @param encoded an encoded image
     * @return a {@code TYPE_INT_RGB} copy of its pixels, alpha composited on white
     * @throws InvalidInputException as {@link #patchify(byte[])}
     */
    @Override
    public BufferedImage decode(byte[] encoded) {
        RgbImage rgb = RgbConverter.toRgb(decoder.decode(encoded, "image bytes"));
        return RgbConverter.toBufferedImage(rgb);
    }

    /**
     * @param patches patches made by this or any patcher
     * @return the grid with white 1-pixel lines between patches, {@code cols * (P + 1) - 1} by
     *     {@code rows * (P + 1) - 1} pixels
     */
    @Override
    public BufferedImage renderGrid(ImagePatches patches) {
        if (patches == null) {
            throw new InvalidInputException("patches must not be null");
        }
        return GridRenderer.render(patches);
    }

    /**
     * @param patches patches to draw
     * @param pngFile destination, replaced atomically; its folder must exist
     * @throws InvalidInputException naming the file if it cannot be written
     */
    @Override
    public void writeGridPng(ImagePatches patches, Path pngFile) {
        GridRenderer.writePng(renderGrid(patches), pngFile);
    }

    /**
     * Resizes, normalises and cuts a decoded image. One already on the patch grid in plain BGR
     * bytes (most JPEGs of a size that needs no resampling) is cut straight from the decoder's
     * bytes; any other goes through packed RGB and the resampler.
     */
    private ImagePatches fromImage(BufferedImage image) {
        long start = System.nanoTime();
        int width = image.getWidth();
        int height = image.getHeight();
        ResizeRule.Target target = ResizeRule.plan(width, height, settings.patchSize(), settings.maxResolution());
        PatchGrid grid = target.grid();
        if ((long) grid.count() * grid.patchDim() > Integer.MAX_VALUE - 8) {
            throw new InvalidInputException("patch grid " + grid.rows() + "x" + grid.cols() + " of "
                    + grid.patchSize() + " needs more floats than a Java array holds");
        }
        byte[] bgr = PatchExtractor.plainBgrBytes(image);
        float[] values;
        if (bgr != null && target.width() == width && target.height() == height) {
            values = PatchExtractor.extractBgr(bgr, width, grid);
        } else {
            RgbImage resized = PilResampler.resize(RgbConverter.toRgb(image), target.width(), target.height());
            values = PatchExtractor.extract(resized, grid);
        }
        if (logger.isDebugEnabled()) {
            logger.debug("Patchified {}x{} to {}x{} ({}x{} patches of {}) in {} us", width, height, target.width(),
                    target.height(), grid.rows(), grid.cols(), grid.patchSize(), (System.nanoTime() - start) / 1000);
        }
        return new ImagePatches(grid, width, height, values);
    }
}
