/**
 * Built-in synthetic vision-language data for the quickstart: small rendered scenes of coloured
 * shapes, rendered words and numbers, bar charts and a templated text corpus, with ground truth,
 * turned into {@link ai.solo.train.TrainingSample} streams for every stage of SPEC §4 and an
 * exact-match evaluation set.
 *
 * <p>Entry point: {@link ai.solo.examples.quickstart.SyntheticData}. Everything is generated on
 * the fly from {@code (seed, index)}: nothing is downloaded or held in memory, and the same seed
 * gives the same samples, pixels included. Training and held-out samples never share an image or
 * a text (see {@link ai.solo.examples.quickstart.SyntheticData.Split}). Rendering works headless;
 * without installed fonts, text is drawn with a built-in 5x7 bitmap font.
 */
package ai.solo.examples.quickstart;
