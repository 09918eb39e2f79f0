/** A multi-turn chat about an image at the console, streamed: {@link ai.solo.examples.chat.ConsoleChat}. */
package ai.solo.examples.chat;
