package dev.slipway.server;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Protection against DNS rebinding: a page of an attacker's domain that resolves to this server's address still
 * sends the attacker's name in the Host header, so only known names are served. Accepted are the loopback names
 * (with any port), the host the server is bound to, and the configured extra hosts, which may contain {@code *}
 * wildcards; a lone {@code "*"} turns the check off. Thread-safe.
 */
final class HostHeaderCheck {
    static final String INVALID_HOST_MESSAGE = "Invalid Host header - possible DNS rebinding attack detected";

    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private final boolean anyHost;
    private final Set<String> exactNames;
    private final List<Pattern> patterns;

    HostHeaderCheck(String boundHost, List<String> allowedHosts) {
        requireNonNull(boundHost, "boundHost is null");
        requireNonNull(allowedHosts, "allowedHosts is null");
        boolean any = false;
        List<String> names = new ArrayList<>(LOOPBACK_NAMES);
        names.add(normalize(boundHost));
        if (boundHost.contains(":") && !boundHost.startsWith("[")) {
            names.add("[" + boundHost.toLowerCase(Locale.ROOT) + "]");
        }
        List<Pattern> wildcards = new ArrayList<>();
        for (String allowed : allowedHosts) {
            String value = normalize(allowed);
            if (value.equals("*")) {
                any = true;
            } else if (value.contains("*")) {
                wildcards.add(glob(value));
            } else if (!value.isEmpty()) {
                names.add(value);
            }
        }
        this.anyHost = any;
        this.exactNames = Set.copyOf(names);
        this.patterns = List.copyOf(wildcards);
    }

    /** @throws SlipwayException PERMISSION_DENIED (403) unless the Host header names this server */
    void check(Optional<String> hostHeader) {
        if (!isAllowed(hostHeader)) {
            throw new SlipwayException(ErrorCode.PERMISSION_DENIED, INVALID_HOST_MESSAGE);
        }
    }

    boolean isAllowed(Optional<String> hostHeader) {
        if (anyHost) {
            return true;
        }
        if (hostHeader.isEmpty() || hostHeader.get().isBlank()) {
            return false;
        }
        String host = normalize(hostHeader.get());
        String name = withoutPort(host);
        if (exactNames.contains(host) || exactNames.contains(name)) {
            return true;
        }
        for (Pattern pattern : patterns) {
            if (pattern.matcher(host).matches() || pattern.matcher(name).matches()) {
                return true;
            }
        }
        return false;
    }

    private static String normalize(String host) {
        return host.trim().toLowerCase(Locale.ROOT);
    }

    /** {@code example.com:5000} -> {@code example.com}; {@code [::1]:5000} -> {@code [::1]}. */
    private static String withoutPort(String host) {
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(0, end + 1);
        }
        int colon = host.lastIndexOf(':');
        if (colon < 0 || host.indexOf(':') != colon) {
            return host;
        }
        for (int index = colon + 1; index < host.length(); index++) {
            if (!Character.isDigit(host.charAt(index))) {
                return host;
            }
        }
        return host.substring(0, colon);
    }

    private static Pattern glob(String wildcard) {
        String[] parts = wildcard.split("\\*", -1);
        StringBuilder regex = new StringBuilder();
        for (int index = 0; index < parts.length; index++) {
            if (index > 0) {
                regex.append("[^/]*");
            }
            regex.append(Pattern.quote(parts[index]));
        }
        return Pattern.compile(regex.toString());
    }
}
