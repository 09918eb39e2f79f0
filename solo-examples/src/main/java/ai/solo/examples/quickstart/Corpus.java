package ai.solo.examples.quickstart;

import java.util.SplittableRandom;

/** Templated English sentences about shapes, colours, counting and charts: the text-only blend. */
final class Corpus {
    private static final String[] NUMBERS = {
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"};

    private Corpus() {
    }

    /** @return one to three sentences joined by spaces */
    static String paragraph(SplittableRandom r) {
        int n = 1 + r.nextInt(3);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i > 0 ? " " : "").append(sentence(r));
        }
        return sb.toString();
    }

    private static String sentence(SplittableRandom r) {
        ShapeKind shape = pick(r, ShapeKind.values());
        ShapeKind other = pick(r, ShapeKind.values());
        Colour colour = pick(r, Colour.values());
        Colour otherColour = pick(r, Colour.values());
        int a = r.nextInt(6);
        int b = r.nextInt(5);
        return switch (r.nextInt(9)) {
            case 0 -> capital(article(colour) + " " + colour.word() + " " + shape.word() + " has " + property(shape) + ".");
            case 1 -> "There " + (a == 1 ? "is one shape" : "are " + NUMBERS[a] + " shapes") + " in the picture.";
            case 2 -> capital(NUMBERS[a]) + " plus " + NUMBERS[b] + " is " + NUMBERS[a + b] + ".";
            case 3 -> "The " + colour.word() + " " + shape.word() + " is to the "
                    + (r.nextBoolean() ? "left" : "right") + " of the " + otherColour.word() + " " + other.word() + ".";
            case 4 -> "Counting up: " + String.join(", ", java.util.Arrays.copyOfRange(NUMBERS, 1, 2 + b)) + ".";
            case 5 -> "A " + shape.word() + " can be " + colour.word() + " or " + otherColour.word() + ".";
            case 6 -> "Bar " + Chart.label(b) + " is higher than bar " + Chart.label((b + 1 + a % 3) % 5)
                    + " because " + (a + 4) + " is more than " + a + ".";
            case 7 -> {
                String word = TextImage.WORDS.get(r.nextInt(TextImage.WORDS.size()));
                yield "The word " + word + " has " + NUMBERS[word.length()] + " letters.";
            }
            default -> "I see " + NUMBERS[a + 1] + " " + colour.word() + " " + shape.word()
                    + (a == 0 ? "" : shape == ShapeKind.CROSS ? "es" : "s") + ".";
        };
    }

    private static String property(ShapeKind shape) {
        return switch (shape) {
            case CIRCLE -> "no corners";
            case SQUARE -> "four equal sides";
            case TRIANGLE -> "three sides";
            case STAR -> "five points";
            case CROSS -> "four arms";
            case DIAMOND -> "four sides and stands on a corner";
        };
    }

    private static String article(Colour colour) {
        return colour == Colour.ORANGE ? "an" : "a";
    }

    private static String capital(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static <T> T pick(SplittableRandom r, T[] values) {
        return values[r.nextInt(values.length)];
    }
}
