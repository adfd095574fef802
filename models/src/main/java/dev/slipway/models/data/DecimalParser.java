package dev.slipway.models.data;

/**
 * Parses a decimal number from a range of chars without creating a String on the common path.
 *
 * <p>Numbers whose digits form an integer below 2^53 and whose decimal exponent is within [-22, 22] are
 * computed exactly with one double multiplication or division (Clinger's fast path), which gives
 * the correctly rounded result; everything else (long mantissas, huge exponents, NaN, Infinity,
 * hexadecimal) falls back to {@link Double#parseDouble(String)}. Surrounding spaces are ignored.
 * Like pandas, {@code nan}, {@code NA}, {@code N/A} and {@code null} (any case) read as NaN and
 * {@code inf}/{@code -inf} as infinities.
 */
final class DecimalParser {
    private static final double[] POWERS_OF_TEN = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22
    };
    private static final long MAX_EXACT_MANTISSA = 1L << 53;

    private DecimalParser() {}

    /**
     * Returns the number in {@code chars[start, end)}.
     *
     * @throws NumberFormatException if the range is empty or is not a number
     */
    static double parse(char[] chars, int start, int end) {
        if (start < end && (chars[start] == ' ' || chars[end - 1] == ' ')) {
            while (start < end && chars[start] == ' ') {
                start++;
            }
            while (end > start && chars[end - 1] == ' ') {
                end--;
            }
        }
        if (start == end) {
            throw new NumberFormatException("empty");
        }
        int index = start;
        boolean negative = false;
        char c = chars[index];
        if (c == '-') {
            negative = true;
            index++;
        } else if (c == '+') {
            index++;
        }
        long mantissa = 0;
        int integerStart = index;
        while (index < end && (c = chars[index]) >= '0' && c <= '9') {
            mantissa = mantissa * 10 + (c - '0');
            index++;
        }
        int digits = index - integerStart;
        int exponent = 0;
        if (index < end && chars[index] == '.') {
            index++;
            int fractionStart = index;
            while (index < end && (c = chars[index]) >= '0' && c <= '9') {
                mantissa = mantissa * 10 + (c - '0');
                index++;
            }
            exponent = fractionStart - index;
            digits -= exponent;
        }
        // 18 digits always fit in a long; longer numbers (rare) take the slow path.
        if (digits == 0 || digits > 18) {
            return slowPath(chars, start, end);
        }
        if (index < end && ((c = chars[index]) == 'e' || c == 'E')) {
            index++;
            boolean negativeExponent = false;
            if (index < end && ((c = chars[index]) == '-' || c == '+')) {
                negativeExponent = c == '-';
                index++;
            }
            int exponentStart = index;
            int explicitExponent = 0;
            while (index < end && (c = chars[index]) >= '0' && c <= '9' && index - exponentStart < 6) {
                explicitExponent = explicitExponent * 10 + (c - '0');
                index++;
            }
            if (index == exponentStart) {
                return slowPath(chars, start, end);
            }
            exponent += negativeExponent ? -explicitExponent : explicitExponent;
        }
        if (index != end || mantissa >= MAX_EXACT_MANTISSA) {
            return slowPath(chars, start, end);
        }
        double value;
        if (mantissa == 0 || exponent == 0) {
            value = mantissa;
        } else if (exponent > 0 && exponent <= 22) {
            value = mantissa * POWERS_OF_TEN[exponent];
        } else if (exponent < 0 && exponent >= -22) {
            value = mantissa / POWERS_OF_TEN[-exponent];
        } else {
            return slowPath(chars, start, end);
        }
        return negative ? -value : value;
    }

    private static double slowPath(char[] chars, int start, int end) {
        String text = new String(chars, start, end - start);
        switch (text.toLowerCase(java.util.Locale.ROOT)) {
            case "nan", "na", "n/a", "null":
                return Double.NaN;
            case "inf", "+inf", "infinity", "+infinity":
                return Double.POSITIVE_INFINITY;
            case "-inf", "-infinity":
                return Double.NEGATIVE_INFINITY;
            default:
                break;
        }
        char first = text.charAt(0);
        if (first != '-' && first != '+' && first != '.' && (first < '0' || first > '9')) {
            throw new NumberFormatException(text);
        }
        // Java accepts a trailing 'd' or 'f' type suffix; a CSV value with one is not a number.
        char last = text.charAt(text.length() - 1);
        if (last == 'd' || last == 'D' || last == 'f' || last == 'F') {
            throw new NumberFormatException(text);
        }
        return Double.parseDouble(text);
    }
}
