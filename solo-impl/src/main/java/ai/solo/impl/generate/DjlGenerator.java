package ai.solo.impl.generate;

import ai.solo.InvalidInputException;
import ai.solo.generate.ChatTemplate;
import ai.solo.generate.Conversation;
import ai.solo.generate.GenerationConfig;
import ai.solo.generate.GenerationResult;
import ai.solo.generate.Generator;
import ai.solo.generate.Prompt;
import ai.solo.generate.TokenListener;
import ai.solo.impl.model.DjlSoloModel;
import ai.solo.text.SoloTokenizer;
import ai.solo.text.TokenSequence;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Generator} on a {@link DjlSoloModel}: renders prompts with the chat template, then runs a
 * {@link DecodeSession}. Immutable and thread-safe; every call has its own session.
 */
public final class DjlGenerator implements Generator {
    private static final Logger logger = LoggerFactory.getLogger(DjlGenerator.class);

    private final DjlSoloModel model;
    private final Settings settings;

    /**
     * @param settings model, template, patcher and image layout
     * @throws InvalidInputException if the model does not come from this implementation
     */
    public DjlGenerator(Settings settings) {
        if (!(settings.model() instanceof DjlSoloModel djl)) {
            throw new InvalidInputException("this generator runs models made by SoloModel.load/create of the "
                    + "DJL implementation, got " + settings.model().getClass().getName());
        }
        this.model = djl;
        this.settings = settings;
    }

    @Override
    public GenerationResult generate(Conversation conversation, GenerationConfig config, TokenListener listener) {
        long start = System.nanoTime();
        TokenSequence prompt = render(conversation);
        return run(List.of(prompt), config, Collections.singletonList(listener), start).get(0);
    }

    @Override
    public GenerationResult generate(TokenSequence prompt, GenerationConfig config, TokenListener listener) {
        if (prompt == null) {
            throw new InvalidInputException("prompt must not be null");
        }
        return run(List.of(prompt), config, Collections.singletonList(listener), System.nanoTime()).get(0);
    }

    @Override
    public List<GenerationResult> generateBatch(List<Conversation> conversations, GenerationConfig config) {
        long start = System.nanoTime();
        if (conversations == null || conversations.isEmpty()) {
            throw new InvalidInputException("generateBatch needs at least one conversation");
        }
        List<TokenSequence> prompts = new ArrayList<>(conversations.size());
        for (Conversation c : conversations) {
            prompts.add(render(c));
        }
        return run(prompts, config, null, start);
    }

    @Override
    public List<GenerationResult> generateSequences(List<TokenSequence> prompts, GenerationConfig config) {
        long start = System.nanoTime();
        if (prompts == null || prompts.isEmpty()) {
            throw new InvalidInputException("generateSequences needs at least one prompt");
        }
        for (int i = 0; i < prompts.size(); i++) {
            if (prompts.get(i) == null) {
                throw new InvalidInputException("prompt " + i + " must not be null");
            }
        }
        return run(List.copyOf(prompts), config, null, start);
    }

    @Override
    public Stream<String> stream(Conversation conversation, GenerationConfig config) {
        long start = System.nanoTime();
        TokenSequence prompt = render(conversation);
        Deque<String> pending = new ArrayDeque<>();
        TokenListener collect = token -> {
            if (!token.text().isEmpty()) {
                pending.add(token.text());
            }
            return true;
        };
        DecodeSession session = new DecodeSession(model, model.tokenizer().orElse(null), List.of(prompt), config,
                List.of(collect), start);
        Spliterator<String> pieces = new Spliterators.AbstractSpliterator<>(Long.MAX_VALUE, Spliterator.ORDERED
                | Spliterator.NONNULL) {
            @Override
            public boolean tryAdvance(Consumer<? super String> action) {
                // Step only while unfinished: the step that finishes may still queue a last piece,
                // and the session is closed right after it, so stepping again on the next call
                // would throw instead of ending the stream.
                while (pending.isEmpty() && !session.finished()) {
                    session.step();
                }
                if (session.finished()) {
                    session.close(); // frees the cache as soon as the last token is out
                }
                String piece = pending.poll();
                if (piece == null) {
                    return false;
                }
                action.accept(piece);
                return true;
            }
        };
        return StreamSupport.stream(pieces, false).onClose(() -> {
            session.cancel();
            session.close();
        });
    }

    private List<GenerationResult> run(List<TokenSequence> prompts, GenerationConfig config,
            List<TokenListener> listeners, long start) {
        try (DecodeSession session = new DecodeSession(model, model.tokenizer().orElse(null), prompts, config,
                listeners, start)) {
            session.runToEnd();
            List<GenerationResult> results = session.results();
            if (logger.isDebugEnabled()) {
                GenerationResult r = results.get(0);
                logger.debug("Generated {} x {} tokens after {} prompt tokens: first token {} ms, {} tokens/s",
                        results.size(), r.generatedTokens(), r.promptTokens(),
                        r.timings().timeToFirstTokenNanos() / 1_000_000, r.timings().decodeTokensPerSecond(r.generatedTokens()));
            }
            return results;
        }
    }

    private TokenSequence render(Conversation conversation) {
        if (conversation == null) {
            throw new InvalidInputException("conversation must not be null");
        }
        List<Conversation.Message> messages = conversation.messages();
        Conversation.Message last = messages.get(messages.size() - 1);
        if (last.role() != Conversation.Role.USER) {
            throw new InvalidInputException("a conversation to answer must end with a user turn, not " + last.role());
        }
        boolean hasImage = last.content().parts().stream().anyMatch(p -> p instanceof Prompt.Image);
        if (!hasImage && last.text().isBlank()) {
            throw new InvalidInputException("the prompt is empty: give text or an image");
        }
        SoloTokenizer tokenizer = model.tokenizer().orElseThrow(() -> new InvalidInputException(
                "the model has no tokenizer: load a checkpoint folder with tokenizer.json or attachTokenizer(...)"));
        return settings.template().render(conversation,
                new ChatTemplate.Context(tokenizer, settings.patcher(), settings.imageClose()));
    }
}
