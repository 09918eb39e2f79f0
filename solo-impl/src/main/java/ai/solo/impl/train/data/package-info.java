/**
 * Training-data readers for the formats of SPEC §5: {@link ai.solo.impl.train.data.SampleReaders}
 * turns a LLaVA, SOLO pre-training, image-folder, labelled-image or text file into a lazily read
 * {@link ai.solo.train.SampleSource}. Files are streamed record by record (gzip transparently,
 * strict UTF-8), image paths are checked against an image root, and malformed records are
 * skipped and counted or fail the run with their {@code file:line}.
 */
package ai.solo.impl.train.data;
