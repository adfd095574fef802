package dev.slipway.models.training;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import java.util.List;
import java.util.Locale;

/**
 * One documented {@code --param} of an algorithm: its name, default, and the values it accepts.
 *
 * @param name the key given as {@code --param name=value}
 * @param defaultValue the value used when the key is not given
 * @param kind what values are accepted
 * @param min lowest accepted number (integer and decimal kinds)
 * @param max highest accepted number
 * @param minExclusive whether {@code min} itself is refused
 * @param choices accepted words (choice kind)
 * @param description one line for the documentation and {@code --help}
 */
public record ParameterSpec(String name, String defaultValue, Kind kind, double min, double max,
        boolean minExclusive, List<String> choices, String description) {
    public enum Kind {
        INTEGER, DECIMAL, BOOLEAN, CHOICE
    }

    public ParameterSpec {
        requireNonNull(name, "name is null");
        requireNonNull(defaultValue, "defaultValue is null");
        requireNonNull(kind, "kind is null");
        choices = List.copyOf(requireNonNull(choices, "choices is null"));
        requireNonNull(description, "description is null");
    }

    public static ParameterSpec integer(String name, int defaultValue, int min, int max, String description) {
        return new ParameterSpec(name, Integer.toString(defaultValue), Kind.INTEGER, min, max, false, List.of(),
                description);
    }

    public static ParameterSpec decimal(String name, double defaultValue, double min, boolean minExclusive,
            double max, String description) {
        return new ParameterSpec(name, Double.toString(defaultValue), Kind.DECIMAL, min, max, minExclusive,
                List.of(), description);
    }

    public static ParameterSpec bool(String name, boolean defaultValue, String description) {
        return new ParameterSpec(name, Boolean.toString(defaultValue), Kind.BOOLEAN, 0, 0, false, List.of(),
                description);
    }

    public static ParameterSpec choice(String name, String defaultValue, List<String> choices, String description) {
        return new ParameterSpec(name, defaultValue, Kind.CHOICE, 0, 0, false, choices, description);
    }

    /**
     * Checks a given value and returns it in canonical form ({@code 0.10} stays as given for decimals,
     * booleans become {@code true}/{@code false}).
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE naming the key, the value and what is expected
     */
    public String check(String algorithm, String value) {
        String trimmed = value.strip();
        switch (kind) {
            case INTEGER -> {
                long parsed;
                try {
                    parsed = Long.parseLong(trimmed);
                } catch (NumberFormatException e) {
                    throw bad(algorithm, value, ("an integer " + range()).strip());
                }
                if (parsed < min || parsed > max) {
                    throw bad(algorithm, value, ("an integer " + range()).strip());
                }
                return Long.toString(parsed);
            }
            case DECIMAL -> {
                double parsed;
                try {
                    parsed = Double.parseDouble(trimmed);
                } catch (NumberFormatException e) {
                    throw bad(algorithm, value, ("a number " + range()).strip());
                }
                if (!Double.isFinite(parsed) || parsed < min || (minExclusive && parsed == min) || parsed > max) {
                    throw bad(algorithm, value, ("a number " + range()).strip());
                }
                return trimmed;
            }
            case BOOLEAN -> {
                String lower = trimmed.toLowerCase(Locale.ROOT);
                if (!lower.equals("true") && !lower.equals("false")) {
                    throw bad(algorithm, value, "true or false");
                }
                return lower;
            }
            case CHOICE -> {
                if (!choices.contains(trimmed)) {
                    throw bad(algorithm, value, "one of " + choices);
                }
                return trimmed;
            }
        }
        throw new IllegalStateException("unknown kind " + kind);
    }

    private String range() {
        if (Double.isInfinite(min)) {
            return Double.isInfinite(max) ? "" : "at most " + format(max);
        }
        if (minExclusive) {
            return "above " + format(min) + (Double.isInfinite(max) ? "" : " and at most " + format(max));
        }
        return Double.isInfinite(max) ? "of at least " + format(min) : "from " + format(min) + " to " + format(max);
    }

    private static String format(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }

    private SlipwayException bad(String algorithm, String value, String expected) {
        return SlipwayException.invalidParameter("Invalid value '%s' for --param %s of %s: expected %s", value, name,
                algorithm, expected);
    }
}
