package io.tidefall.sample;

import tools.jackson.databind.JsonNode;

import org.jspecify.annotations.Nullable;

/**
 * Reads required fields out of a JSON request body, failing with a message that names the field.
 * The service validates every element of a request before buffering any of it.
 */
final class RequestFields {

    private RequestFields() {
    }

    /**
     * The non-blank string {@code field} of {@code object}.
     *
     * @param where how the message refers to the object, e.g. {@code "[3]."}, or empty
     */
    static String text(JsonNode object, String where, String field, int maxLength) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidRequestException(where + field + " is missing: it must be a non-blank string");
        }
        if (!value.isString() || value.stringValue().isBlank()) {
            throw new InvalidRequestException(where + field + " is " + value + ": it must be a non-blank string");
        }
        return checkLength(value.stringValue(), where + field, maxLength);
    }

    /** The whole, non-negative number {@code field} of {@code object}. */
    static long wholeNumber(JsonNode object, String where, String field, String meaning) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidRequestException(where + field + " is missing: it must be " + meaning);
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
            throw new InvalidRequestException(where + field + " is " + value + ": it must be " + meaning);
        }
        return value.longValue();
    }

    static JsonNode object(@Nullable JsonNode node, String what) {
        if (node == null || !node.isObject()) {
            throw new InvalidRequestException(what + " must be a JSON object, not " + (node == null ? "nothing" : node));
        }
        return node;
    }

    /** A non-blank value from the request path, such as a user name. */
    static String pathValue(String value, String name, int maxLength) {
        if (value == null || value.isBlank()) {
            throw new InvalidRequestException(name + " (in the path) must not be blank");
        }
        return checkLength(value, name + " (in the path)", maxLength);
    }

    private static String checkLength(String value, String name, int maxLength) {
        if (value.length() > maxLength) {
            throw new InvalidRequestException(name + " is " + value.length() + " characters long: at most "
                    + maxLength + " are allowed");
        }
        return value;
    }
}
