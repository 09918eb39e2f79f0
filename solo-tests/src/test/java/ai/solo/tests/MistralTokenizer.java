package ai.solo.tests;

import ai.solo.text.SoloTokenizer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real Mistral tokenizer with SOLO's vision tokens, loaded before a test class and closed
 * after it. Register it as {@code @RegisterExtension static final MistralTokenizer TOKENIZER}.
 */
final class MistralTokenizer implements BeforeAllCallback, AfterAllCallback {
    private SoloTokenizer tokenizer;

    @Override
    public void beforeAll(ExtensionContext context) {
        tokenizer = SoloTokenizer.load(Fixtures.mistralTokenizer());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        tokenizer.close();
    }

    /** @return the tokenizer, between {@code beforeAll} and {@code afterAll} */
    SoloTokenizer get() {
        return tokenizer;
    }
}
