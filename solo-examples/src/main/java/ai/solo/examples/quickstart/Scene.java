package ai.solo.examples.quickstart;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A rendered scene: one to four coloured shapes on a light background, each inside its own cell
 * of the 32-pixel patch grid. Shapes are kept left to right (then top to bottom), no two share
 * both colour and kind, and none is white.
 *
 * <p>Why cells: SOLO has no vision encoder, so a shape cut across two to four patches must be
 * put together from fragments by the decoder itself. Measured on the quickstart model, a shape
 * inside one patch is named right about twice as often after the same training as one placed
 * anywhere; with a few million training tokens the quickstart draws its scenes the way the
 * model sees them. Canvases are whole numbers of cells (1-4 per side, so aspect ratios from 1:3
 * to 3:1) and shapes are 18-28 px, placed anywhere inside their cell.
 *
 * @param width image width in pixels
 * @param height image height in pixels
 * @param background what the shapes are painted on
 * @param shapes the shapes, left to right
 */
public record Scene(int width, int height, Background background, List<Shape> shapes) implements Picture {

    /** Side of a cell: the patch size of the quickstart model. */
    static final int CELL = 32;
    static final int MIN_SIZE = 18;
    static final int MAX_SIZE = 28;
    private static final String[] COUNT_WORDS = {"zero", "one", "two", "three", "four", "five"};

    /**
     * Copies the shapes.
     *
     * @param width image width
     * @param height image height
     * @param background the background
     * @param shapes the shapes
     */
    public Scene {
        shapes = List.copyOf(shapes);
    }

    /**
     * One shape, inside the square box {@code [x, x + size) x [y, y + size)}.
     *
     * @param kind what shape it is
     * @param colour its fill colour
     * @param x left edge of its box
     * @param y top edge of its box
     * @param size side of its box in pixels
     */
    public record Shape(ShapeKind kind, Colour colour, int x, int y, int size) {

        /** @return x of the box centre; the pixel there is painted in {@link #colour()} */
        public int centreX() {
            return x + size / 2;
        }

        /** @return y of the box centre */
        public int centreY() {
            return y + size / 2;
        }

        /** @return e.g. {@code "red star"} */
        public String label() {
            return colour.word() + " " + kind.word();
        }

        /**
         * @param imageWidth width of the scene
         * @return {@code "left"} or {@code "right"} if the whole box lies in that half, else {@code "middle"}
         */
        public String side(int imageWidth) {
            if (2 * (x + size) <= imageWidth) {
                return "left";
            }
            if (2 * x >= imageWidth) {
                return "right";
            }
            return "middle";
        }
    }

    /** @return for a one-shape scene its label, e.g. {@code "red star"} */
    public String label() {
        return shapes.get(0).label();
    }

    /** @return e.g. {@code "two shapes: a red star on the left and a blue circle on the right"} */
    @Override
    public String caption() {
        StringBuilder sb = new StringBuilder(COUNT_WORDS[shapes.size()])
                .append(shapes.size() == 1 ? " shape: " : " shapes: ");
        for (int i = 0; i < shapes.size(); i++) {
            if (i > 0) {
                sb.append(i == shapes.size() - 1 ? " and " : ", ");
            }
            Shape s = shapes.get(i);
            String side = s.side(width);
            sb.append(s.colour() == Colour.ORANGE ? "an " : "a ").append(s.label())
                    .append(side.equals("middle") ? " in the middle" : " on the " + side);
        }
        return sb.toString();
    }

    @Override
    public BufferedImage render() {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        background.paint(((DataBufferInt) image.getRaster().getDataBuffer()).getData(), width, height);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            for (Shape s : shapes) {
                g.setColor(new java.awt.Color(s.colour().rgb()));
                g.fill(outline(s));
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    private static java.awt.Shape outline(Shape s) {
        double x = s.x(), y = s.y(), d = s.size(), cx = x + d / 2, cy = y + d / 2;
        return switch (s.kind()) {
            case CIRCLE -> new java.awt.geom.Ellipse2D.Double(x, y, d, d);
            case SQUARE -> new java.awt.geom.Rectangle2D.Double(x, y, d, d);
            case TRIANGLE -> polygon(cx, y, x + d, y + d, x, y + d);
            case DIAMOND -> polygon(cx, y, x + d, cy, cx, y + d, x, cy);
            case CROSS -> {
                double t = d / 3;
                Path2D.Double p = new Path2D.Double();
                p.append(new java.awt.geom.Rectangle2D.Double(x + t, y, t, d), false);
                p.append(new java.awt.geom.Rectangle2D.Double(x, y + t, d, t), false);
                yield p;
            }
            case STAR -> {
                double[] xy = new double[20];
                for (int i = 0; i < 10; i++) {
                    double r = (i % 2 == 0 ? d / 2 : d / 2 * 0.45);
                    double a = -Math.PI / 2 + i * Math.PI / 5;
                    xy[2 * i] = cx + r * Math.cos(a);
                    xy[2 * i + 1] = cy + r * Math.sin(a);
                }
                yield polygon(xy);
            }
        };
    }

    private static Path2D polygon(double... xy) {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(xy[0], xy[1]);
        for (int i = 2; i < xy.length; i += 2) {
            p.lineTo(xy[i], xy[i + 1]);
        }
        p.closePath();
        return p;
    }

    /**
     * Draws a random scene: a canvas of {@code 1..maxCells} cells on each side, 1-4 shapes of
     * 18-28 px, each somewhere inside a cell of its own.
     *
     * @param r the random source
     * @param minShapes fewest shapes wanted
     * @param maxShapes most shapes wanted (fewer if there are fewer cells)
     * @param minCells fewest cells per side
     * @param maxCells most cells per side
     */
    static Scene random(SplittableRandom r, int minShapes, int maxShapes, int minCells, int maxCells) {
        int columns = minCells + r.nextInt(maxCells - minCells + 1);
        int rows = minCells + r.nextInt(maxCells - minCells + 1);
        int width = columns * CELL;
        int height = rows * CELL;
        Background background = Background.random(r, width, height);
        int wanted = Math.min(minShapes + r.nextInt(maxShapes - minShapes + 1), columns * rows);
        List<Integer> cells = new ArrayList<>();
        for (int c = 0; c < columns * rows; c++) {
            cells.add(c);
        }
        List<Shape> shapes = new ArrayList<>();
        for (int n = 0; n < wanted; n++) {
            Colour colour;
            ShapeKind kind;
            do {
                colour = Colour.values()[r.nextInt(Colour.values().length)];
                kind = ShapeKind.values()[r.nextInt(ShapeKind.values().length)];
            } while (colour == Colour.WHITE || taken(shapes, colour, kind));
            int cell = cells.remove(r.nextInt(cells.size()));
            int size = MIN_SIZE + r.nextInt(MAX_SIZE - MIN_SIZE + 1);
            // a margin of at least 2 px on each side keeps neighbouring shapes visibly apart
            int x = (cell % columns) * CELL + 2 + r.nextInt(CELL - size - 3);
            int y = (cell / columns) * CELL + 2 + r.nextInt(CELL - size - 3);
            shapes.add(new Shape(kind, colour, x, y, size));
        }
        shapes.sort(Comparator.comparingInt(Shape::centreX).thenComparingInt(Shape::centreY));
        return new Scene(width, height, background, shapes);
    }

    private static boolean taken(List<Shape> shapes, Colour colour, ShapeKind kind) {
        return shapes.stream().anyMatch(s -> s.colour() == colour && s.kind() == kind);
    }
}
