package ai.solo.impl.train.data;

import ai.solo.train.MalformedRecords;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Plain text, one {@link ai.solo.train.TrainingSample.Kind#TEXT} sample per non-blank line (the
 * line as written, without its terminator). A line that is not valid UTF-8 is malformed.
 */
final class PlainTextSource extends RecordSource {

    /**
     * @param file the text file, optionally gzipped
     * @param policy what to do with malformed lines
     */
    PlainTextSource(Path file, MalformedRecords policy) {
        super(file, policy);
    }

    @Override
    Pass openPass() throws IOException {
        Utf8Lines lines = new Utf8Lines(DataFiles.open(path()), path().toString());
        return new Pass() {
            @Override
            public ParsedRecord next() throws IOException {
                Utf8Lines.Line line;
                do {
                    line = lines.next();
                    if (line == null) {
                        return null;
                    }
                    if (line.problem() != null) {
                        return ParsedRecord.malformed(location(line.number()), line.problem());
                    }
                } while (line.text().isBlank());
                return ParsedRecord.of(location(line.number()), TextRecords.text(line.text(), origin(line.number())));
            }

            @Override
            public void close() throws IOException {
                lines.close();
            }
        };
    }
}
