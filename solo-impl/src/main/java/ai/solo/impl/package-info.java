/**
 * The SOLO SDK on DJL's PyTorch engine. Packages by concept: {@code image} (decode, resize,
 * patch), {@code text} (tokenizer), {@code model} (the network in three stages and its
 * weights), {@code io} (safetensors), {@code config} ({@code config.json}), {@code engine}
 * (DJL start-up and devices). Applications use it only through {@code solo-api}.
 */
package ai.solo.impl;
