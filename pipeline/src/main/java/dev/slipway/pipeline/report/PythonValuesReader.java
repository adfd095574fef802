package dev.slipway.pipeline.report;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the literal assignments of a Python params file, as DVC's {@code .py} params do: top-level
 * {@code NAME = literal} and, inside a top-level {@code class Name:}, {@code attr = literal} (as {@code Name.attr}).
 * Literals are numbers, strings, {@code True}/{@code False}; other assignments are skipped.
 */
final class PythonValuesReader {
    private static final Pattern CLASS = Pattern.compile("^class\\s+([A-Za-z_]\\w*)\\s*(\\(.*\\))?\\s*:\\s*(#.*)?$");
    private static final Pattern ASSIGNMENT =
            Pattern.compile("^([ \\t]*)([A-Za-z_]\\w*)\\s*(?::\\s*[\\w.\\[\\], ]+)?=\\s*(.+?)\\s*(#.*)?$");

    private PythonValuesReader() {}

    static Map<String, Object> parse(String text) {
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, Object> currentClass = null;
        for (String line : text.split("\\R")) {
            if (line.isBlank() || line.strip().startsWith("#")) {
                continue;
            }
            Matcher classLine = CLASS.matcher(line);
            if (classLine.matches()) {
                currentClass = new LinkedHashMap<>();
                values.put(classLine.group(1), currentClass);
                continue;
            }
            boolean indented = Character.isWhitespace(line.charAt(0));
            if (!indented) {
                currentClass = null;
            }
            Matcher assignment = ASSIGNMENT.matcher(line);
            if (!assignment.matches()) {
                continue;
            }
            Object literal = literal(assignment.group(3));
            if (literal == null) {
                continue;
            }
            if (!indented) {
                values.put(assignment.group(2), literal);
            } else if (currentClass != null) {
                currentClass.put(assignment.group(2), literal);
            }
        }
        return values;
    }

    private static Object literal(String token) {
        if (token.equals("True") || token.equals("False")) {
            return Boolean.valueOf(token.equals("True"));
        }
        if (token.length() >= 2 && (token.startsWith("\"") && token.endsWith("\"")
                || token.startsWith("'") && token.endsWith("'"))) {
            return token.substring(1, token.length() - 1);
        }
        String digits = token.replace("_", "");
        try {
            if (digits.matches("[+-]?\\d+")) {
                return Long.parseLong(digits);
            }
            return Double.parseDouble(digits);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
