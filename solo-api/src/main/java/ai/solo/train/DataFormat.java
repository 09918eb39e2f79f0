package ai.solo.train;

/** File formats {@link SampleSources} reads (SPEC §5). Gzipped files ({@code .gz}) are read transparently. */
public enum DataFormat {
    /**
     * LLaVA conversations, a JSON array or JSONL: {@code {"image": "rel/path.jpg", "conversations":
     * [{"from": "human", "value": "<image>\nQuestion"}, {"from": "gpt", "value": "Answer"}]}};
     * image paths resolve against an image root and may not escape it.
     */
    LLAVA,
    /**
     * SOLO's pre-training JSONL (OpenAI chat format): {@code {"messages": [{"role": "assistant",
     * "content": [{"type": "image_url", "image_url": {"url": "data:image/jpeg;base64,..."}},
     * {"type": "text", "text": "caption"}]}]}}.
     */
    SOLO_PRETRAINING,
    /** ImageNet layout: a folder per class, the folder name is the label ({@code _} read as a space). */
    IMAGE_FOLDER,
    /** JSONL of {@code {"image": "rel/path.jpg", "label": "red star"}}, paths under an image root. */
    LABELLED_IMAGES,
    /** Plain text, one sample per line, or JSONL of {@code {"text": "..."}} (by extension {@code .jsonl}). */
    TEXT
}
