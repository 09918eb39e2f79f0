package ai.solo.examples.quickstart;

import ai.solo.generate.Prompt;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A picture of held-out images with the question asked and the model's answer under each: green
 * when right, red with the expected answer when wrong.
 */
final class AnswerSheet {
    private static final int CELL_WIDTH = 230;
    private static final int IMAGE_HEIGHT = 150;
    private static final int TEXT_HEIGHT = 62;
    private static final int COLUMNS = 5;
    private static final Color RIGHT = new Color(0x1B7F2A);
    private static final Color WRONG = new Color(0xC62828);

    private AnswerSheet() {
    }

    /**
     * One evaluated question.
     *
     * @param item the question, its image and the expected answer
     * @param answer what the model answered
     * @param right whether that counts as right
     */
    record Cell(EvalItem item, String answer, boolean right) {
        String category() {
            return item.category();
        }
    }

    static void write(List<Cell> cells, Path png) {
        int rows = Math.max(1, (cells.size() + COLUMNS - 1) / COLUMNS);
        BufferedImage sheet = new BufferedImage(CELL_WIDTH * COLUMNS, rows * (IMAGE_HEIGHT + TEXT_HEIGHT),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        boolean text = true;
        for (int i = 0; i < cells.size(); i++) {
            Cell cell = cells.get(i);
            int x = (i % COLUMNS) * CELL_WIDTH;
            int y = (i / COLUMNS) * (IMAGE_HEIGHT + TEXT_HEIGHT);
            BufferedImage image = image(cell.item().prompt());
            if (image != null) {
                double scale = Math.min((CELL_WIDTH - 10.0) / image.getWidth(), (IMAGE_HEIGHT - 10.0) / image.getHeight());
                int w = (int) (image.getWidth() * scale);
                int h = (int) (image.getHeight() * scale);
                g.drawImage(image, x + (CELL_WIDTH - w) / 2, y + (IMAGE_HEIGHT - h) / 2, w, h, null);
            }
            if (text) {
                try {
                    g.setColor(Color.BLACK);
                    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
                    int below = drawWrapped(g, cell.item().question(), x + 6, y + IMAGE_HEIGHT + 14, CELL_WIDTH - 12);
                    g.setColor(cell.right() ? RIGHT : WRONG);
                    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
                    String answer = cell.answer().isEmpty() ? "(no answer)" : cell.answer();
                    drawWrapped(g, cell.right() ? answer : answer + "  (expected " + cell.item().answer() + ")", x + 6,
                            below + 16, CELL_WIDTH - 12);
                } catch (InternalError | RuntimeException e) {
                    text = false; // a JVM without fonts: keep the pictures, drop the captions
                }
            }
        }
        g.dispose();
        try {
            Files.createDirectories(png.toAbsolutePath().getParent());
            ImageIO.write(sheet, "png", png.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png, e);
        }
    }

    private static BufferedImage image(Prompt prompt) {
        for (Prompt.Part part : prompt.parts()) {
            if (part instanceof Prompt.Image img && img.source() instanceof Prompt.DecodedImage d) {
                return d.image();
            }
        }
        return null;
    }

    /** @return the baseline of the last line drawn */
    private static int drawWrapped(Graphics2D g, String s, int x, int y, int width) {
        StringBuilder line = new StringBuilder();
        for (String word : s.split(" ")) {
            if (g.getFontMetrics().stringWidth(line + " " + word) > width && line.length() > 0) {
                g.drawString(line.toString(), x, y);
                y += 15;
                line.setLength(0);
            }
            line.append(line.length() == 0 ? "" : " ").append(word);
        }
        g.drawString(line.toString(), x, y);
        return y;
    }
}
