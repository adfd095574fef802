package dev.slipway.ui;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the run page shows of an MLmodel file: its flavors, a few top-level fields and its signature's inputs and
 * outputs (JSON strings). It reads the block YAML that MLflow writes (two-space indents, single-quoted scalars,
 * long scalars folded onto indented continuation lines); it is not a general YAML parser.
 */
record MLmodelSummary(List<String> flavors, Map<String, String> fields, Map<String, String> signatureParts) {
    MLmodelSummary {
        flavors = List.copyOf(flavors);
        fields = Map.copyOf(fields);
        signatureParts = Map.copyOf(signatureParts);
    }

    Optional<String> field(String key) {
        return Optional.ofNullable(fields.get(key)).filter(value -> !value.isEmpty());
    }

    Optional<String> signature(String part) {
        return Optional.ofNullable(signatureParts.get(part)).filter(value -> !value.isEmpty() && !value.equals("null"));
    }

    static MLmodelSummary parse(String yaml) {
        List<String> flavors = new ArrayList<>();
        Map<String, String> fields = new LinkedHashMap<>();
        Map<String, String> signature = new LinkedHashMap<>();
        String section = "";
        String[] lines = yaml.split("\r?\n");
        for (int index = 0; index < lines.length; index++) {
            String line = lines[index];
            if (line.isBlank() || line.trim().startsWith("#")) {
                continue;
            }
            int indent = line.length() - line.stripLeading().length();
            String content = line.trim();
            int colon = content.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = content.substring(0, colon).trim();
            StringBuilder value = new StringBuilder(content.substring(colon + 1).trim());
            while (index + 1 < lines.length && !lines[index + 1].isBlank()
                    && lines[index + 1].length() - lines[index + 1].stripLeading().length() > indent
                    && isContinuation(value)) {
                value.append(' ').append(lines[++index].trim());
            }
            if (indent == 0) {
                section = key;
                fields.put(key, unquote(value.toString()));
            } else if (section.equals("flavors") && indent == 2) {
                flavors.add(key);
            } else if (section.equals("signature") && indent == 2) {
                signature.put(key, unquote(value.toString()));
            }
        }
        return new MLmodelSummary(flavors, fields, signature);
    }

    /** A scalar whose quote is still open continues on the next, deeper line. */
    private static boolean isContinuation(StringBuilder value) {
        String text = value.toString();
        if (text.startsWith("'")) {
            return text.length() == 1 || !text.endsWith("'") || text.replace("''", "").length() == 1;
        }
        if (text.startsWith("\"")) {
            return text.length() == 1 || !text.endsWith("\"");
        }
        return false;
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && value.startsWith("'") && value.endsWith("'")) {
            return value.substring(1, value.length() - 1).replace("''", "'");
        }
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            return value.substring(1, value.length() - 1).replace("\\\"", "\"");
        }
        return value;
    }
}
