/**
 * JMH micro benchmarks of the parts the suite's end-to-end numbers rest on: the fixed cost of an
 * engine call, image patching, and one forward pass of the small config. Run from a built tree:
 *
 * <pre>
 * java -cp "$CP" org.openjdk.jmh.Main 'ai.solo.tests.bench.jmh.*' -f 1 -wi 3 -i 5
 * </pre>
 */
package ai.solo.tests.bench.jmh;
