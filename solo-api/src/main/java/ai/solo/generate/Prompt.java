package ai.solo.generate;

import ai.solo.InvalidInputException;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a user asks a SOLO model: text and images, in order. Images may come first, last or
 * between text parts; each becomes its patch layout at that place in the sequence.
 *
 * <pre>{@code
 * Prompt p = Prompt.builder().image(Path.of("cat.jpg")).text("What is this animal?").build();
 * }</pre>
 *
 * @param parts the parts in order, at least one
 */
public record Prompt(List<Part> parts) {

    /**
     * Copies and validates the parts.
     *
     * @param parts the parts in order, at least one
     */
    public Prompt {
        if (parts == null || parts.isEmpty()) {
            throw new InvalidInputException("a prompt needs at least one text or image part");
        }
        parts = List.copyOf(parts);
    }

    /**
     * @param text the whole prompt
     * @return a text-only prompt
     */
    public static Prompt of(String text) {
        return builder().text(text).build();
    }

    /** @return an empty builder */
    public static Builder builder() {
        return new Builder();
    }

    /** One part of a prompt: text or an image. */
    public sealed interface Part permits Text, Image {
    }

    /**
     * A text part.
     *
     * @param text the text, as typed by the user
     */
    public record Text(String text) implements Part {
        /**
         * Validates the text.
         *
         * @param text the text
         */
        public Text {
            if (text == null) {
                throw new InvalidInputException("text part must not be null");
            }
        }
    }

    /**
     * An image part, decoded lazily by the generator's {@link ai.solo.image.ImagePatcher}.
     *
     * @param source where the image comes from
     */
    public record Image(ImageSource source) implements Part {
        /**
         * Validates the source.
         *
         * @param source where the image comes from
         */
        public Image {
            if (source == null) {
                throw new InvalidInputException("image source must not be null");
            }
        }
    }

    /** Where an image comes from. */
    public sealed interface ImageSource permits FileImage, EncodedImage, DecodedImage, DataUrlImage {
    }

    /**
     * An image file.
     *
     * @param path the file
     */
    public record FileImage(Path path) implements ImageSource {
    }

    /**
     * Encoded image bytes (JPEG, PNG, BMP, GIF, WebP).
     *
     * @param bytes the encoded image; shared, not copied
     */
    public record EncodedImage(byte[] bytes) implements ImageSource {
    }

    /**
     * An image already decoded.
     *
     * @param image the pixels
     */
    public record DecodedImage(BufferedImage image) implements ImageSource {
    }

    /**
     * A {@code data:image/...;base64,...} URL.
     *
     * @param url the data URL
     */
    public record DataUrlImage(String url) implements ImageSource {
    }

    /** Builds a {@link Prompt} part by part. Not thread-safe. */
    public static final class Builder {
        private final List<Part> parts = new ArrayList<>();

        private Builder() {
        }

        /**
         * @param text text to append
         * @return this builder
         */
        public Builder text(String text) {
            parts.add(new Text(text));
            return this;
        }

        /**
         * @param file image file to append
         * @return this builder
         */
        public Builder image(Path file) {
            parts.add(new Image(new FileImage(file)));
            return this;
        }

        /**
         * @param encoded encoded image bytes to append
         * @return this builder
         */
        public Builder image(byte[] encoded) {
            parts.add(new Image(new EncodedImage(encoded)));
            return this;
        }

        /**
         * @param image decoded image to append
         * @return this builder
         */
        public Builder image(BufferedImage image) {
            parts.add(new Image(new DecodedImage(image)));
            return this;
        }

        /**
         * @param dataUrl {@code data:image/...;base64,...} URL to append
         * @return this builder
         */
        public Builder imageDataUrl(String dataUrl) {
            parts.add(new Image(new DataUrlImage(dataUrl)));
            return this;
        }

        /**
         * @return the prompt
         * @throws InvalidInputException if no part was added
         */
        public Prompt build() {
            return new Prompt(parts);
        }
    }
}
