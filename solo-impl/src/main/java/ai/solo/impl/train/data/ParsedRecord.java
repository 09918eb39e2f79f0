package ai.solo.impl.train.data;

import ai.solo.train.TrainingSample;

/**
 * One record read from a source: a sample, or the reason it is malformed.
 *
 * @param location where the record is, with the full path, for warnings and errors
 *     ({@code /data/llava.json:12})
 * @param sample the sample, or null if malformed
 * @param problem why the record is malformed, or null
 */
record ParsedRecord(String location, TrainingSample sample, String problem) {

    static ParsedRecord of(String location, TrainingSample sample) {
        return new ParsedRecord(location, sample, null);
    }

    static ParsedRecord malformed(String location, String problem) {
        return new ParsedRecord(location, null, problem);
    }
}
