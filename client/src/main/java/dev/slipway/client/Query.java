package dev.slipway.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** A query string; repeated keys stand for repeated fields. */
final class Query {
    private final StringBuilder text = new StringBuilder();

    Query add(String key, String value) {
        text.append(text.length() == 0 ? '?' : '&')
                .append(URLEncoder.encode(key, StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        return this;
    }

    String encoded() {
        return text.toString();
    }
}
