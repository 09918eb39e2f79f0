/**
 * {@code solo bench}: the performance suite. Every measurement runs in its own child process,
 * once on the SDK (a child JVM) and once on a plain PyTorch peer ({@code bench/peer.py}), one
 * right after the other, so the Java/Python ratios come from the same machine state.
 * {@code bench/PROTOCOL.md} is the contract between the two sides.
 *
 * <p>{@link ai.solo.examples.bench.BenchSuite} orchestrates, {@link
 * ai.solo.examples.bench.JavaMeasures} is the SDK side of each measurement, {@link
 * ai.solo.examples.bench.BenchReport} turns the result lines into tables, ratios and a plot.
 */
package ai.solo.examples.bench;
