#!/usr/bin/env python3
"""Writes the quickstart's own tokenizer (no download) into solo-examples' resources.

A SentencePiece-style BPE (Metaspace "▁" word boundaries) whose base vocabulary is single
characters, so any text the synthetic data draws can be spelled, plus merges that make the
quickstart's frequent words single tokens. Regenerate after changing WORDS; the SDK appends
SOLO's vision tokens when it loads the file.
"""
import json
import os
import string

SPECIALS = ["<unk>", "<s>", "</s>"]
CHARS = ["▁"] + list(string.ascii_lowercase) + list(string.ascii_uppercase) + list(string.digits) + list(".,?!'\":;-()/<>=%+*&#")
WORDS = """the a an is are of on in at to and or what which how many shape shapes colour color text says say
bar bars chart value highest lowest left right top bottom middle there this that it describe picture image
red green blue yellow purple orange white black circle square triangle star cross diamond one two three four
five six seven eight nine zero small large big with word reads number
What How Which Is Describe Are""".split()

vocab = {}
for token in SPECIALS + CHARS:
    vocab.setdefault(token, len(vocab))
merges = []
for word in WORDS:
    piece = "▁" + word[0]
    if piece not in vocab:
        merges.append(["▁", word[0]])
        vocab[piece] = len(vocab)
    for ch in word[1:]:
        nxt = piece + ch
        if nxt not in vocab:
            merges.append([piece, ch])
            vocab[nxt] = len(vocab)
        piece = nxt

special = lambda i, t: {"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                         "normalized": False, "special": True}
metaspace = {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": True}
tokenizer = {
    "version": "1.0",
    "truncation": None,
    "padding": None,
    "added_tokens": [special(vocab[t], t) for t in SPECIALS],
    "normalizer": None,
    "pre_tokenizer": metaspace,
    "post_processor": None,
    "decoder": metaspace,
    "model": {"type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None,
              "end_of_word_suffix": None, "fuse_unk": True, "byte_fallback": False, "ignore_merges": False,
              "vocab": vocab, "merges": merges},
}
here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "main", "resources", "ai", "solo",
                    "examples", "quickstart")
with open(os.path.join(here, "tokenizer.json"), "w", encoding="utf-8") as f:
    json.dump(tokenizer, f, ensure_ascii=False, indent=1)
with open(os.path.join(here, "tokenizer_config.json"), "w", encoding="utf-8") as f:
    json.dump({"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"}, f, indent=1)
print(len(vocab), "pieces,", len(merges), "merges")
