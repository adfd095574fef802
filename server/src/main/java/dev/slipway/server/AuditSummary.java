package dev.slipway.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.audit.AuditEntry;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the audit log keeps of request bodies and resource states: never a secret, never a bulk of data.
 *
 * <p>In both, the value of a field whose name mentions a password, secret, token, authorization, API key,
 * credential, private key or cookie is replaced by {@value #REDACTED}, and so is the {@code value} of a
 * {@code {"key", "value"}} object (a tag or param) whose key does; user and password in URLs are removed. A request
 * summary ({@link #summary}) also shortens strings to {@value #MAX_STRING_LENGTH} characters, reduces http(s) URLs
 * to their scheme and host (webhook URLs carry their secret in the path), replaces arrays of more than
 * {@value #MAX_ARRAY_ELEMENTS} elements and objects nested deeper than {@value #MAX_DEPTH} by {@code {"count": n}},
 * and falls back to the top-level field names when the result is still longer than {@value #MAX_SUMMARY_LENGTH}
 * characters. Stateless and thread-safe.
 */
final class AuditSummary {
    static final String REDACTED = "[REDACTED]";
    static final int MAX_STRING_LENGTH = 200;
    static final int MAX_ARRAY_ELEMENTS = 20;
    static final int MAX_DEPTH = 4;
    static final int MAX_SUMMARY_LENGTH = 16 * 1024;

    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i).*(password|passwd|secret|token|authorization|api[_-]?key|credential|private[_-]?key|cookie).*");
    private static final Pattern URL = Pattern.compile(
            "(?i)^([a-z][a-z0-9+.-]*)://([^/?#]*)([^?#]*)(\\?[^#]*)?(#.*)?$");

    private AuditSummary() {}

    /** Whether a field of this name holds a secret. */
    static boolean isSecretName(String name) {
        return SECRET_NAME.matcher(name).matches();
    }

    /** A compact, redacted summary of a request body or form. */
    static ObjectNode summary(JsonNode request) {
        JsonNode compact = compact(request, 0, true);
        ObjectNode summary = compact.isObject() ? (ObjectNode) compact : JsonNodeFactory.instance.objectNode();
        if (text(summary).length() <= MAX_SUMMARY_LENGTH) {
            return summary;
        }
        ObjectNode truncated = JsonNodeFactory.instance.objectNode().put("truncated", true);
        ArrayNode fields = truncated.putArray("fields");
        request.fieldNames().forEachRemaining(fields::add);
        return truncated;
    }

    /** The form parameters of a UI action as a JSON object: one value a string, several an array. */
    static ObjectNode formFields(Map<String, List<String>> form) {
        ObjectNode fields = JsonNodeFactory.instance.objectNode();
        form.forEach((name, values) -> {
            if (values.size() == 1) {
                fields.put(name, values.get(0));
            } else if (!values.isEmpty()) {
                ArrayNode array = fields.putArray(name);
                values.forEach(array::add);
            }
        });
        return fields;
    }

    /** A resource state with its secrets redacted, whole otherwise. */
    static JsonNode redacted(JsonNode state) {
        return compact(state, 0, false);
    }

    /**
     * The JSON text of a state or summary, or of {@code {"truncated": true, "length": n}} when it is longer than an
     * audit entry keeps.
     */
    static String text(JsonNode node) {
        String text;
        try {
            text = WireFormat.MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A JSON tree could not be written", e);
        }
        if (text.length() <= AuditEntry.MAX_JSON_LENGTH) {
            return text;
        }
        return "{\"truncated\":true,\"length\":" + text.length() + "}";
    }

    private static JsonNode compact(JsonNode node, int depth, boolean shorten) {
        if (node.isObject()) {
            if (shorten && depth >= MAX_DEPTH) {
                return count(node.size());
            }
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            boolean secretTag = node.path("key").isTextual() && isSecretName(node.path("key").textValue());
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String name = field.getKey();
                if (isSecretName(name) || secretTag && name.equals("value")) {
                    copy.put(name, REDACTED);
                } else {
                    copy.set(name, compact(field.getValue(), depth + 1, shorten));
                }
            }
            return copy;
        }
        if (node.isArray()) {
            if (shorten && (node.size() > MAX_ARRAY_ELEMENTS || depth >= MAX_DEPTH)) {
                return count(node.size());
            }
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            for (JsonNode element : node) {
                copy.add(compact(element, depth + 1, shorten));
            }
            return copy;
        }
        if (node.isTextual()) {
            return JsonNodeFactory.instance.textNode(string(node.textValue(), shorten));
        }
        return node.deepCopy();
    }

    private static ObjectNode count(int count) {
        return JsonNodeFactory.instance.objectNode().put("count", count);
    }

    private static String string(String value, boolean shorten) {
        String safe = value;
        Matcher url = URL.matcher(value);
        if (value.length() <= 8192 && url.matches()) {
            String scheme = url.group(1);
            String authority = url.group(2);
            int at = authority.lastIndexOf('@');
            String host = at < 0 ? authority : authority.substring(at + 1);
            boolean web = scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https");
            if (shorten && web) {
                boolean more = !url.group(3).isEmpty() && !url.group(3).equals("/") || url.group(4) != null;
                safe = scheme + "://" + host + (more ? "/..." : "");
            } else if (at >= 0 || url.group(4) != null && shorten) {
                safe = scheme + "://" + host + url.group(3) + (url.group(4) == null || shorten ? "" : url.group(4));
            }
        }
        if (shorten && safe.length() > MAX_STRING_LENGTH) {
            return safe.substring(0, MAX_STRING_LENGTH) + "... (" + safe.length() + " characters)";
        }
        return safe;
    }
}
