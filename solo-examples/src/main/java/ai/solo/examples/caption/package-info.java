/** Batch captioning of a folder of images into JSONL: {@link ai.solo.examples.caption.CaptionFolder}. */
package ai.solo.examples.caption;
