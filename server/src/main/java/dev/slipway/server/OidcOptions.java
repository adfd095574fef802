package dev.slipway.server;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.Optional;

/**
 * Bearer JWTs from an OpenID Connect identity provider: accepted when signed by a key of the issuer's JWKS (found
 * through {@code <issuer>/.well-known/openid-configuration}), issued by {@code issuer} for {@code audience} and not
 * expired. The user is named by {@code usernameClaim} and is an administrator when {@code groupsClaim} lists
 * {@code adminGroup}.
 *
 * @param issuer the issuer URL exactly as the tokens' {@code iss} claim has it
 * @param audience the value the tokens' {@code aud} claim must contain
 * @param usernameClaim the claim naming the user, such as {@code preferred_username}, {@code email} or {@code sub}
 * @param adminGroup the group whose members are administrators, if any
 * @param groupsClaim the claim holding the user's groups (a list of strings, or one string)
 */
public record OidcOptions(URI issuer, String audience, String usernameClaim, Optional<String> adminGroup,
        String groupsClaim) {
    public static final String DEFAULT_USERNAME_CLAIM = "preferred_username";
    public static final String DEFAULT_GROUPS_CLAIM = "groups";

    public OidcOptions {
        requireNonNull(issuer, "issuer is null");
        requireNonNull(audience, "audience is null");
        requireNonNull(usernameClaim, "usernameClaim is null");
        requireNonNull(adminGroup, "adminGroup is null");
        requireNonNull(groupsClaim, "groupsClaim is null");
        String scheme = issuer.getScheme() == null ? "" : issuer.getScheme();
        if (!scheme.equals("https") && !scheme.equals("http") || issuer.getHost() == null) {
            throw new IllegalArgumentException("OIDC issuer must be an http(s) URL, got " + issuer);
        }
        if (audience.isBlank() || usernameClaim.isBlank() || groupsClaim.isBlank()) {
            throw new IllegalArgumentException("OIDC audience and claim names must not be blank");
        }
    }
}
