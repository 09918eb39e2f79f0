/**
 * The README's code snippets, compiled: each tagged region of
 * {@code UsingTheSdk} appears in the README verbatim, checked by a test.
 */
package ai.solo.examples.snippets;
