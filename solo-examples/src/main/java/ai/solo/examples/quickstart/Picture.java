package ai.solo.examples.quickstart;

import java.awt.image.BufferedImage;

/**
 * The ground truth of one synthetic image: what it shows, enough to render it again pixel for
 * pixel and to answer questions about it. Immutable; {@link #render()} is thread-safe.
 */
public sealed interface Picture permits Scene, TextImage, Chart {

    /** @return image width in pixels */
    int width();

    /** @return image height in pixels */
    int height();

    /** @return a new {@code TYPE_INT_RGB} image; the same picture always renders the same pixels */
    BufferedImage render();

    /** @return the Stage-2 caption: what the image shows, in one canonical sentence */
    String caption();
}
