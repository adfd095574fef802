package dev.slipway.pipeline;

import dev.slipway.data.PythonJson;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Values written the way Python writes them: floats as {@code repr} ({@code 1e-05}, {@code 0.1}, {@code 1e+16}),
 * strings as {@code str}, and {@code json.dumps(value, sort_keys=True)}. DVC's run-cache keys and generated stage
 * names depend on these exact spellings.
 */
final class PythonValues {
    private PythonValues() {}

    /** Python's {@code repr(float)}. */
    static String repr(double value) {
        if (Double.isNaN(value)) {
            return "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        if (value == 0) {
            return (1 / value) < 0 ? "-0.0" : "0.0";
        }
        BigDecimal decimal = shortest(Math.abs(value));
        String digits = decimal.unscaledValue().toString();
        int exponent = digits.length() - 1 - decimal.scale();
        String sign = value < 0 ? "-" : "";
        if (exponent >= -4 && exponent < 16) {
            String plain = decimal.toPlainString();
            return sign + (plain.contains(".") ? plain : plain + ".0");
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        int magnitude = Math.abs(exponent);
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (magnitude < 10 ? "0" : "") + magnitude;
    }

    /** The shortest decimal that reads back as {@code value}, as Python's repr picks it (Java 17's toString may not). */
    private static BigDecimal shortest(double value) {
        for (int digits = 1; digits < 17; digits++) {
            BigDecimal candidate = new BigDecimal(value).round(new java.math.MathContext(digits,
                    java.math.RoundingMode.HALF_EVEN));
            if (candidate.doubleValue() == value) {
                return candidate.stripTrailingZeros();
            }
        }
        return new BigDecimal(value).round(new java.math.MathContext(17, java.math.RoundingMode.HALF_EVEN))
                .stripTrailingZeros();
    }

    /** Python's {@code str(value)} for scalars: {@code True}/{@code False}, {@code None}, float repr. */
    static String str(Object value) {
        if (value == null) {
            return "None";
        }
        if (value instanceof Boolean bool) {
            return bool ? "True" : "False";
        }
        if (value instanceof Double || value instanceof Float) {
            return repr(((Number) value).doubleValue());
        }
        return value.toString();
    }

    /** Python's {@code json.dumps(value, sort_keys=True)} (ASCII-escaped, {@code ", "} and {@code ": "}). */
    static String json(Object value) {
        StringBuilder out = new StringBuilder();
        appendJson(out, value);
        return out.toString();
    }

    private static void appendJson(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Boolean bool) {
            out.append(bool ? "true" : "false");
        } else if (value instanceof Double || value instanceof Float) {
            double number = ((Number) value).doubleValue();
            String text = repr(number);
            out.append(switch (text) {
                case "nan" -> "NaN";
                case "inf" -> "Infinity";
                case "-inf" -> "-Infinity";
                default -> text;
            });
        } else if (value instanceof Number) {
            out.append(value);
        } else if (value instanceof Map<?, ?> map) {
            List<String> keys = new ArrayList<>();
            map.keySet().forEach(key -> keys.add(String.valueOf(key)));
            keys.sort(dev.slipway.data.DirectoryListing.CODE_POINT_ORDER);
            out.append('{');
            boolean first = true;
            for (String key : keys) {
                if (!first) {
                    out.append(", ");
                }
                first = false;
                PythonJson.appendString(out, key);
                out.append(": ");
                appendJson(out, map.get(key));
            }
            out.append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(", ");
                }
                appendJson(out, list.get(i));
            }
            out.append(']');
        } else {
            PythonJson.appendString(out, value.toString());
        }
    }

    /** A float that YAML emission prints as Python's {@code repr}, as ruamel does (YAML 1.2: no {@code .0e} fix-up). */
    static final class ReprFloat extends Number {
        private static final long serialVersionUID = 1L;
        private final double value;

        ReprFloat(double value) {
            this.value = value;
        }

        @Override
        public int intValue() {
            return (int) value;
        }

        @Override
        public long longValue() {
            return (long) value;
        }

        @Override
        public float floatValue() {
            return (float) value;
        }

        @Override
        public double doubleValue() {
            return value;
        }

        @Override
        public String toString() {
            if (Double.isNaN(value)) {
                return ".nan";
            }
            if (Double.isInfinite(value)) {
                return value > 0 ? ".inf" : "-.inf";
            }
            return repr(value);
        }
    }

    /** A copy of {@code value} with every Double replaced by a {@link ReprFloat}, for YAML emission. */
    static Object forYaml(Object value) {
        if (value instanceof Double || value instanceof Float) {
            return new ReprFloat(((Number) value).doubleValue());
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new java.util.LinkedHashMap<>();
            map.forEach((key, child) -> copy.put(String.valueOf(key), forYaml(child)));
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            list.forEach(child -> copy.add(forYaml(child)));
            return copy;
        }
        return value;
    }

    /** Integral numbers as Long (BigInteger beyond), floats as Double, maps and lists copied: equal values compare equal. */
    static Object normalize(Object value) {
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof java.math.BigInteger big) {
            return big.bitLength() < 64 ? (Object) big.longValue() : big;
        }
        if (value instanceof Float || value instanceof ReprFloat) {
            return ((Number) value).doubleValue();
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new java.util.LinkedHashMap<>();
            map.forEach((key, child) -> copy.put(String.valueOf(key), normalize(child)));
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            list.forEach(child -> copy.add(normalize(child)));
            return copy;
        }
        return value;
    }
}
