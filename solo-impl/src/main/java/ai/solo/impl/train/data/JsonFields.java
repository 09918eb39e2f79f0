package ai.solo.impl.train.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/** Field access for record mappers that reports what is missing or mistyped. */
final class JsonFields {
    private JsonFields() {
    }

    /**
     * @param record a record
     * @throws MalformedRecordException if it is not a JSON object
     */
    static void requireObject(JsonNode record) throws MalformedRecordException {
        if (record == null || !record.isObject()) {
            throw new MalformedRecordException("record is not a JSON object (got " + describe(record) + ")");
        }
    }

    /**
     * @param node an object
     * @param field the field name
     * @param where how the object is named in messages, e.g. {@code record} or {@code conversations[2]}
     * @return the field's string value
     * @throws MalformedRecordException if the field is missing or not a string
     */
    static String requireString(JsonNode node, String field, String where) throws MalformedRecordException {
        String value = optionalString(node, field, where);
        if (value == null) {
            throw new MalformedRecordException(where + " has no \"" + field + "\"");
        }
        return value;
    }

    /**
     * @param node an object
     * @param field the field name
     * @param where how the object is named in messages
     * @return the field's string value, or null if absent or JSON null
     * @throws MalformedRecordException if the field is present but not a string
     */
    static String optionalString(JsonNode node, String field, String where) throws MalformedRecordException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new MalformedRecordException(where + " \"" + field + "\" must be a string, got " + describe(value));
        }
        return value.textValue();
    }

    /**
     * @param node an object
     * @param field the field name
     * @param where how the object is named in messages
     * @return the field's array value
     * @throws MalformedRecordException if the field is missing or not an array
     */
    static JsonNode requireArray(JsonNode node, String field, String where) throws MalformedRecordException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new MalformedRecordException(where + " has no \"" + field + "\" array");
        }
        if (!value.isArray()) {
            throw new MalformedRecordException(where + " \"" + field + "\" must be an array, got " + describe(value));
        }
        return value;
    }

    /**
     * @param node any node, or null
     * @return its JSON type in words, for messages
     */
    static String describe(JsonNode node) {
        return node == null || node.isMissingNode() ? "nothing" : node.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
