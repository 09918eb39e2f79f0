package ai.solo.impl.train.data;

import ai.solo.InvalidInputException;
import ai.solo.train.MalformedRecords;
import ai.solo.train.TrainingSample;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * A source of JSON records, one per JSONL line or one per element of a top-level JSON array
 * (decided per pass by the first non-space character, {@code [} meaning an array). Arrays are
 * streamed element by element with Jackson's parser, never loaded whole. A {@link RecordMapper}
 * turns each record into a sample.
 *
 * <p>A JSONL line that is not valid JSON is one malformed record. A syntax error inside a JSON
 * array is not: the parser cannot find the next element after it, so the pass fails with an
 * {@link InvalidInputException} naming the file and line, whatever the policy.
 */
final class JsonRecordSource extends RecordSource {

    /** Maps one JSON record to a sample. */
    @FunctionalInterface
    interface RecordMapper {
        /**
         * @param record the record
         * @param origin the sample's origin, {@code file:line}
         * @return the sample
         * @throws MalformedRecordException if the record cannot be used, with the reason
         */
        TrainingSample map(JsonNode record, String origin) throws MalformedRecordException;
    }

    // Data URLs of large images are long strings: allow up to the longest line we read.
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(Utf8Lines.MAX_LINE_BYTES)
                    .build())
            .build());
    private static final ObjectReader LINE_READER = JSON.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    // Reading an element must not check for trailing tokens: the next element follows it.
    private static final ObjectReader ELEMENT_READER = JSON.reader()
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final RecordMapper mapper;

    /**
     * @param file the JSON or JSONL file, optionally gzipped
     * @param policy what to do with malformed records
     * @param mapper maps a record to a sample
     */
    JsonRecordSource(Path file, MalformedRecords policy, RecordMapper mapper) {
        super(file, policy);
        this.mapper = mapper;
    }

    @Override
    Pass openPass() throws IOException {
        return DataFiles.startsWithJsonArray(path()) ? new ArrayPass() : new LinesPass();
    }

    private ParsedRecord map(JsonNode record, long line) {
        try {
            return ParsedRecord.of(location(line), mapper.map(record, origin(line)));
        } catch (MalformedRecordException e) {
            return ParsedRecord.malformed(location(line), e.getMessage());
        } catch (InvalidInputException e) {
            // Raised by the API's value types (Prompt, Conversation) on content they refuse.
            return ParsedRecord.malformed(location(line), e.getMessage());
        }
    }

    private final class LinesPass implements Pass {
        private final Utf8Lines lines;

        LinesPass() throws IOException {
            lines = new Utf8Lines(DataFiles.open(path()), path().toString());
        }

        @Override
        public ParsedRecord next() throws IOException {
            while (true) {
                Utf8Lines.Line line = lines.next();
                if (line == null) {
                    return null;
                }
                if (line.problem() != null) {
                    return ParsedRecord.malformed(location(line.number()), line.problem());
                }
                if (line.text().isBlank()) {
                    continue;
                }
                JsonNode record;
                try {
                    record = LINE_READER.readTree(line.text());
                } catch (JsonProcessingException e) {
                    return ParsedRecord.malformed(location(line.number()), "not valid JSON: " + e.getOriginalMessage());
                }
                return map(record, line.number());
            }
        }

        @Override
        public void close() throws IOException {
            lines.close();
        }
    }

    private final class ArrayPass implements Pass {
        private final JsonParser parser;
        private boolean done;

        ArrayPass() throws IOException {
            InputStream in = DataFiles.open(path());
            try {
                parser = JSON.getFactory().createParser(in);
            } catch (IOException | RuntimeException e) {
                in.close();
                throw e;
            }
            try {
                if (nextToken() != JsonToken.START_ARRAY) {
                    throw new InvalidInputException(path() + " does not start with a JSON array");
                }
            } catch (IOException | RuntimeException e) {
                parser.close();
                throw e;
            }
        }

        @Override
        public ParsedRecord next() throws IOException {
            if (done) {
                return null;
            }
            JsonToken token = nextToken();
            if (token == JsonToken.END_ARRAY) {
                done = true;
                if (nextToken() != null) {
                    throw new InvalidInputException(location(parser.currentTokenLocation().getLineNr())
                            + ": unexpected content after the top-level JSON array");
                }
                return null;
            }
            if (token == null) {
                throw new InvalidInputException(path() + ": the JSON array is not closed (file ends early)");
            }
            long line = parser.currentTokenLocation().getLineNr();
            JsonNode record;
            try {
                record = ELEMENT_READER.readTree(parser);
            } catch (JsonProcessingException e) {
                throw syntaxError(e);
            }
            return map(record, line);
        }

        @Override
        public void close() throws IOException {
            parser.close();
        }

        private JsonToken nextToken() throws IOException {
            try {
                return parser.nextToken();
            } catch (JsonProcessingException e) {
                throw syntaxError(e);
            }
        }

        private InvalidInputException syntaxError(JsonProcessingException e) {
            long line = e.getLocation() == null ? parser.currentLocation().getLineNr() : e.getLocation().getLineNr();
            return new InvalidInputException(location(line) + ": not valid JSON (" + e.getOriginalMessage()
                    + "); a JSON array cannot be read past a syntax error", e);
        }
    }
}
