package dev.slipway.pipeline.report;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.stream.Collectors;

/**
 * How DVC's tables print a value: Python's {@code str()} ({@code 0.1}, {@code 1e-05}, {@code True}, {@code [1, 2]}),
 * with floats first rounded to a number of decimal places as Python's {@code round} does, and {@code -} for a
 * missing value.
 */
public final class DisplayValues {
    /** DVC's default {@code --precision}. */
    public static final int DEFAULT_PRECISION = 5;
    public static final String MISSING = "-";

    private DisplayValues() {}

    /**
     * The value as a table cell.
     *
     * @param value a {@link Long}, {@link Double}, {@link String}, {@link Boolean} or {@link List} of those, or
     *     null for a missing value
     * @param precision decimal places floats are rounded to; negative: not rounded
     */
    public static String format(Object value, int precision) {
        if (value == null) {
            return MISSING;
        }
        if (value instanceof Double number) {
            return pythonFloat(precision >= 0 ? round(number, precision) : number);
        }
        if (value instanceof Boolean flag) {
            return flag ? "True" : "False";
        }
        if (value instanceof List<?> list) {
            return list.stream().map(item -> item instanceof String text ? "'" + text + "'" : format(item, -1))
                    .collect(Collectors.joining(", ", "[", "]"));
        }
        return value.toString();
    }

    /** Python's {@code round(value, digits)}: the exact binary value rounded half-to-even. */
    static double round(double value, int digits) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return value;
        }
        return new BigDecimal(value).setScale(digits, RoundingMode.HALF_EVEN).doubleValue();
    }

    /** Python's {@code repr(float)}: shortest digits, exponent form below 1e-4 and from 1e16. */
    static String pythonFloat(double value) {
        if (Double.isNaN(value)) {
            return "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        if (value == 0) {
            return 1 / value < 0 ? "-0.0" : "0.0";
        }
        BigDecimal decimal = new BigDecimal(Double.toString(Math.abs(value))).stripTrailingZeros();
        String digits = decimal.unscaledValue().toString();
        int exponent = digits.length() - 1 - decimal.scale();
        String sign = value < 0 ? "-" : "";
        if (exponent < -4 || exponent >= 16) {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
        }
        String plain = decimal.toPlainString();
        return sign + (plain.contains(".") ? plain : plain + ".0");
    }
}
