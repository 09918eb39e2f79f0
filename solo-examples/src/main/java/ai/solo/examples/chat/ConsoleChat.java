package ai.solo.examples.chat;

import ai.solo.SoloException;
import ai.solo.SoloModel;
import ai.solo.generate.Conversation;
import ai.solo.generate.GenerationConfig;
import ai.solo.generate.Generator;
import ai.solo.generate.Prompt;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A multi-turn chat about one image, typed at the console, each answer printed as it is
 * generated.
 *
 * <pre>
 * bin/solo-example chat.ConsoleChat MODEL_DIR cat.jpg
 * &gt; What animal is this?
 * A cat.
 * &gt; What colour is it?
 * ...
 * </pre>
 *
 * <p>Commands: {@code /reset} forgets the conversation (the image stays), {@code /image PATH}
 * switches to another image and starts over, {@code /exit} (or end of input) quits. Without an
 * image argument the chat is text only until {@code /image}.
 *
 * <p>The image goes in the first user turn only: SOLO sees it once, at the start of the
 * sequence, and every later turn attends back to it, as in SOLO-7B's fine-tuning data.
 */
public final class ConsoleChat {
    /** Printed before reading each line. */
    public static final String PROMPT = "> ";

    private ConsoleChat() {
    }

    /**
     * What a session did.
     *
     * @param asked every conversation sent to the model, in order (each ends with a user turn)
     * @param answers the answer to each
     * @param errors turns and commands that failed (reported, then the chat went on without them)
     */
    public record Transcript(List<Conversation> asked, List<String> answers, int errors) {
    }

    /**
     * @param args the model folder and, optionally, an image
     */
    public static void main(String[] args) {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: ConsoleChat MODEL_DIR [IMAGE]");
            System.exit(2);
        }
        Path image = args.length == 2 ? Path.of(args[1]) : null;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(System.out, true);
        try (SoloModel model = SoloModel.load(Path.of(args[0]))) {
            out.println("commands: /reset, /image PATH, /exit");
            chat(Generator.create(model), image, GenerationConfig.greedy(), in, out);
        } catch (SoloException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
    }

    /**
     * Runs the chat until {@code /exit} or the end of input.
     *
     * @param generator answers each turn
     * @param image the image to talk about, or null
     * @param config decoding options
     * @param in the user's lines
     * @param out prompts, answers and messages
     * @return what was asked and answered
     */
    public static Transcript chat(Generator generator, Path image, GenerationConfig config, BufferedReader in,
            PrintWriter out) {
        Session session = new Session(generator, config, image, out);
        while (true) {
            out.print(PROMPT);
            out.flush();
            String line = readLine(in);
            if (line == null || line.strip().equals("/exit")) {
                break;
            }
            line = line.strip();
            if (line.startsWith("/")) {
                session.command(line);
            } else if (!line.isEmpty()) {
                session.ask(line);
            }
        }
        out.flush();
        return new Transcript(List.copyOf(session.asked), List.copyOf(session.answers), session.errors);
    }

    /** The state of a chat: the image, the conversation so far, and what was asked. */
    private static final class Session {
        private final Generator generator;
        private final GenerationConfig config;
        private final PrintWriter out;
        private final List<Conversation> asked = new ArrayList<>();
        private final List<String> answers = new ArrayList<>();
        private Path image;
        private Conversation conversation; // the last one answered; null before the first turn
        private int errors;

        Session(Generator generator, GenerationConfig config, Path image, PrintWriter out) {
            this.generator = generator;
            this.config = config;
            this.image = image;
            this.out = out;
        }

        void command(String line) {
            String[] command = line.split("\\s+", 2);
            if (command[0].equals("/reset")) {
                conversation = null;
                out.println("(conversation cleared)");
            } else if (command[0].equals("/image") && command.length == 2) {
                Path next = Path.of(command[1]);
                if (Files.isRegularFile(next)) {
                    image = next;
                    conversation = null; // the image belongs in the first turn: start over
                    out.println("(new conversation about " + image + ")");
                } else {
                    out.println("error: no image file at " + next);
                    errors++;
                }
            } else {
                out.println("commands: /reset, /image PATH, /exit");
            }
        }

        void ask(String question) {
            // The first turn carries the image; later ones send the whole history again plus the
            // new question, because the model keeps no state between calls.
            Conversation next;
            if (conversation == null) {
                Prompt.Builder first = Prompt.builder();
                if (image != null) {
                    first.image(image);
                }
                next = Conversation.of(first.text(question).build());
            } else {
                next = conversation.continueWith(answers.get(answers.size() - 1), Prompt.of(question));
            }
            StringBuilder answer = new StringBuilder();
            try (Stream<String> pieces = generator.stream(next, config)) {
                pieces.forEach(piece -> {
                    out.print(piece);
                    out.flush(); // show each piece now, not when the line ends
                    answer.append(piece);
                });
            } catch (SoloException e) {
                // e.g. an image file that is no image: report it and let the user go on
                if (answer.length() > 0) {
                    out.println();
                }
                out.println("error: " + e.getMessage());
                errors++;
                return;
            }
            out.println();
            conversation = next;
            asked.add(next);
            answers.add(answer.toString());
        }
    }

    private static String readLine(BufferedReader in) {
        try {
            return in.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the console", e);
        }
    }
}
