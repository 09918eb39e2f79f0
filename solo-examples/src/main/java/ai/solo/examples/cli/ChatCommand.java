package ai.solo.examples.cli;

import ai.solo.InvalidInputException;
import ai.solo.SoloModel;
import ai.solo.generate.Conversation;
import ai.solo.generate.GenerationConfig;
import ai.solo.generate.GenerationResult;
import ai.solo.generate.Generator;
import ai.solo.generate.Prompt;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code solo chat}: an interactive conversation read line by line, each answer streamed as it
 * is generated. {@code /image PATH} attaches an image to the next message, {@code /reset}
 * starts over, {@code /exit} (or end of input) quits. An error in one turn is printed in one
 * line and the conversation goes on without that turn.
 */
@Command(name = "chat", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Chat with a model interactively; /image PATH attaches an image, /help lists commands.")
final class ChatCommand implements Callable<Integer> {
    static final String PROMPT = "> ";
    private static final String HELP = "commands: /image PATH attaches an image to your next message, "
            + "/reset clears the conversation, /exit quits";

    @Mixin
    GenerationOptions options;

    @ParentCommand
    SoloCli parent;

    @Spec
    CommandSpec spec;

    /**
     * What a chat session did.
     *
     * @param answers the answers given, in order
     * @param errors turns or commands that failed
     * @param conversation the conversation at the end (without its last answer), or null if
     *     nothing was asked since the start or the last {@code /reset}
     */
    record Transcript(List<GenerationResult> answers, int errors, Conversation conversation) {
    }

    @Override
    public Integer call() {
        GenerationOptions.requireTokenizer(options.model);
        GenerationConfig config = options.generationConfig();
        PrintWriter out = spec.commandLine().getOut();
        try (SoloModel model = GenerationOptions.load(options.model, options.modelOptions())) {
            out.printf("solo chat: %s (%,d parameters, %s on %s). %s%n", options.model, model.parameterCount(),
                    options.precision, options.device, HELP);
            chat(GenerationOptions.generator(model, options.template), config, options.system,
                    parent.in(), out, spec.commandLine().getErr(), parent.verbose());
        }
        return 0;
    }

    /**
     * Runs the loop until {@code /exit} or the end of input.
     *
     * @param generator answers each turn
     * @param config decoding options
     * @param system system instructions, or null
     * @param in the user's lines
     * @param out prompts and answers
     * @param err one line per error
     * @param verbose whether errors also print their stack trace
     * @return what happened
     */
    static Transcript chat(Generator generator, GenerationConfig config, String system, BufferedReader in,
            PrintWriter out, PrintWriter err, boolean verbose) {
        List<GenerationResult> answers = new ArrayList<>();
        List<Path> images = new ArrayList<>();
        Conversation asked = null;
        String lastAnswer = null;
        int errors = 0;
        boolean midAnswer = false;
        while (true) {
            out.print(PROMPT);
            out.flush();
            String line = readLine(in);
            if (line == null) {
                out.println();
                break;
            }
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.equals("/exit") || line.equals("/quit")) {
                break;
            }
            try {
                if (line.equals("/help")) {
                    out.println(HELP);
                } else if (line.equals("/reset")) {
                    asked = null;
                    lastAnswer = null;
                    images.clear();
                    out.println("(conversation cleared)");
                } else if (line.equals("/image") || line.startsWith("/image ")) {
                    Path image = GenerationOptions.requireImage(imagePath(line.substring("/image".length())));
                    images.add(image);
                    out.printf("(%s attached to your next message)%n", image);
                } else if (line.startsWith("/")) {
                    throw new InvalidInputException("unknown command " + line.split("\\s+", 2)[0] + " (try /help)");
                } else {
                    Prompt.Builder prompt = Prompt.builder();
                    images.forEach(prompt::image);
                    Prompt message = prompt.text(line).build();
                    images.clear(); // sent with this turn, or dropped with it if the turn fails
                    Conversation next = asked == null ? first(system, message) : asked.continueWith(lastAnswer, message);
                    midAnswer = true;
                    GenerationResult answer = generator.generate(next, config, token -> {
                        out.print(token.text());
                        out.flush();
                        return true;
                    });
                    out.println();
                    midAnswer = false;
                    answers.add(answer);
                    asked = next;
                    lastAnswer = answer.text();
                }
            } catch (RuntimeException e) {
                errors++;
                if (midAnswer) {
                    out.println(); // end the partly streamed answer before the error line
                    midAnswer = false;
                }
                out.flush();
                SoloCli.printError(e, err, verbose);
            }
        }
        out.flush();
        return new Transcript(List.copyOf(answers), errors, asked);
    }

    private static Conversation first(String system, Prompt message) {
        Conversation.Builder chat = Conversation.builder();
        if (system != null) {
            chat.system(system);
        }
        return chat.user(message).build();
    }

    /** The argument of {@code /image}, with surrounding quotes removed (as a pasted path may have). */
    private static Path imagePath(String argument) {
        String path = argument.strip();
        if (path.length() >= 2 && (path.startsWith("\"") && path.endsWith("\"")
                || path.startsWith("'") && path.endsWith("'"))) {
            path = path.substring(1, path.length() - 1);
        }
        if (path.isEmpty()) {
            throw new InvalidInputException("/image needs a file: /image PATH");
        }
        return Path.of(path);
    }

    private static String readLine(BufferedReader in) {
        try {
            return in.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the chat input", e);
        }
    }
}
