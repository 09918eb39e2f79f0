package ai.solo.tests.hostile;

import ai.solo.InvalidInputException;
import ai.solo.image.ImagePatcher;
import ai.solo.tests.ChildJvm;
import java.util.List;

/**
 * Child JVM of {@link HostileImagesBoundedHeapTest}: patchifies the whole hostile corpus in one
 * small heap and prints one line per file, {@code name REFUSED}, {@code name DECODED} or
 * {@code name UNEXPECTED <throwable>}. Exits 1 if anything unexpected, an error included, escaped.
 */
public final class HostileImagesChild {
    private HostileImagesChild() {
    }

    /** @return the command that runs the corpus in a JVM with {@code heap} of maximum heap */
    static List<String> command(String heap) {
        return ChildJvm.command(List.of("-Xmx" + heap, "-XX:+ExitOnOutOfMemoryError"), HostileImagesChild.class);
    }

    public static void main(String[] args) {
        ImagePatcher patcher = ImagePatcher.builder().maxPixels(40_000_000L).build();
        boolean clean = true;
        for (HostileImages.Entry entry : HostileImages.corpus().values()) {
            String outcome;
            try {
                patcher.patchify(entry.bytes());
                outcome = "DECODED";
            } catch (InvalidInputException e) {
                outcome = "REFUSED";
            } catch (Throwable t) {
                outcome = "UNEXPECTED " + t;
                clean = false;
            }
            System.out.println(entry.name() + " " + outcome);
        }
        System.exit(clean ? 0 : 1);
    }
}
