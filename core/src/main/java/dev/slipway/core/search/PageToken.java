package dev.slipway.core.search;

import dev.slipway.core.SlipwayException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** MLflow's opaque page token: base64 of {@code {"offset": N}}. */
public final class PageToken {
    private static final Pattern OFFSET = Pattern.compile("\\{\\s*\"offset\"\\s*:\\s*(\\d{1,18})\\s*}");

    private PageToken() {}

    public static String encode(long offset) {
        return Base64.getEncoder().encodeToString(("{\"offset\": " + offset + "}").getBytes(StandardCharsets.UTF_8));
    }

    /** Decodes a token to its offset; an absent or empty token is offset 0. */
    public static long decode(Optional<String> token) {
        if (token.isEmpty() || token.get().isEmpty()) {
            return 0;
        }
        String json;
        try {
            json = new String(Base64.getDecoder().decode(token.get().trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw SlipwayException.invalidParameter("Invalid page token, could not base64-decode");
        }
        Matcher matcher = OFFSET.matcher(json.trim());
        if (!matcher.matches()) {
            throw SlipwayException.invalidParameter("Invalid page token, decoded value=%s", json);
        }
        return Long.parseLong(matcher.group(1));
    }
}
