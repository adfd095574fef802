package dev.slipway.data;

/**
 * The string escaping of Python's {@code json.dumps} with its default {@code ensure_ascii=True}:
 * the output is pure ASCII, non-ASCII characters become {@code \\uXXXX} with lowercase hex (UTF-16
 * surrogate pairs beyond the BMP), DEL is escaped, {@code /} is not. Jackson and Gson differ on each
 * of these points, and a {@code .dir} object's md5 depends on every byte.
 */
public final class PythonJson {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private PythonJson() {}

    /** Appends {@code value} as a quoted JSON string to {@code out}. */
    public static void appendString(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c >= 0x20 && c <= 0x7e) {
                        out.append(c);
                    } else {
                        out.append("\\u")
                                .append(HEX[(c >> 12) & 0xf])
                                .append(HEX[(c >> 8) & 0xf])
                                .append(HEX[(c >> 4) & 0xf])
                                .append(HEX[c & 0xf]);
                    }
                }
            }
        }
        out.append('"');
    }
}
