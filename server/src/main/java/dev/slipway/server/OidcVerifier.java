package dev.slipway.server;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.ConfigurableJWTProcessor;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks bearer JWTs of an OpenID Connect issuer with Nimbus JOSE + JWT: the signature against the issuer's JWKS
 * (whose URL comes from the discovery document, read once on first use; the keys are cached and refreshed by Nimbus's
 * {@link JWKSource}, also when a token names a key not seen yet), an asymmetric algorithm, the issuer, the audience,
 * the expiry (60 s of clock skew) and the username claim. Thread-safe.
 */
final class OidcVerifier {
    private static final Logger LOG = LoggerFactory.getLogger(OidcVerifier.class);
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
            JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256,
            JWSAlgorithm.ES384, JWSAlgorithm.ES512, JWSAlgorithm.EdDSA);

    /** Who a valid token names. */
    record Identity(String username, boolean admin) {
        Identity {
            requireNonNull(username, "username is null");
        }
    }

    private final OidcOptions options;
    private final HttpClient httpClient;
    private volatile ConfigurableJWTProcessor<SecurityContext> processor;

    OidcVerifier(OidcOptions options) {
        this.options = requireNonNull(options, "options is null");
        this.httpClient = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /** Whether the text has the shape of a JWS (three base64url parts). */
    static boolean looksLikeJwt(String token) {
        return token.chars().filter(character -> character == '.').count() == 2;
    }

    /**
     * The identity the token proves, or empty when it is not a valid token of the issuer for the audience.
     *
     * @throws SlipwayException TEMPORARILY_UNAVAILABLE when the issuer's discovery document or keys cannot be read
     */
    Optional<Identity> verify(String token) {
        JWTClaimsSet claims;
        try {
            claims = processor().process(token, null);
        } catch (ParseException | BadJOSEException e) {
            LOG.debug("Refused a bearer JWT: {}", e.getMessage());
            return Optional.empty();
        } catch (KeySourceException e) {
            throw new SlipwayException(ErrorCode.TEMPORARILY_UNAVAILABLE, "Cannot read the signing keys of the "
                    + "OpenID Connect issuer " + options.issuer() + ": " + e.getMessage(), e);
        } catch (JOSEException e) {
            LOG.debug("Refused a bearer JWT: {}", e.getMessage());
            return Optional.empty();
        }
        Object name = claims.getClaim(options.usernameClaim());
        if (!(name instanceof String username) || username.isBlank()) {
            LOG.debug("Refused a bearer JWT without the username claim '{}'", options.usernameClaim());
            return Optional.empty();
        }
        return Optional.of(new Identity(username, options.adminGroup().filter(group -> groups(claims).contains(group))
                .isPresent()));
    }

    private List<String> groups(JWTClaimsSet claims) {
        Object value = claims.getClaim(options.groupsClaim());
        if (value instanceof String group) {
            return List.of(group);
        }
        if (value instanceof List<?> list) {
            return list.stream().filter(String.class::isInstance).map(String.class::cast).toList();
        }
        return List.of();
    }

    private ConfigurableJWTProcessor<SecurityContext> processor() {
        ConfigurableJWTProcessor<SecurityContext> current = processor;
        if (current != null) {
            return current;
        }
        synchronized (this) {
            if (processor == null) {
                processor = newProcessor(jwksUri());
            }
            return processor;
        }
    }

    private ConfigurableJWTProcessor<SecurityContext> newProcessor(URI jwksUri) {
        JWKSource<SecurityContext> keys;
        try {
            keys = JWKSourceBuilder.<SecurityContext>create(jwksUri.toURL()).retrying(true).build();
        } catch (IOException | IllegalArgumentException e) {
            throw unavailable("its jwks_uri " + jwksUri + " is not a URL", e);
        }
        DefaultJWTProcessor<SecurityContext> jwtProcessor = new DefaultJWTProcessor<>();
        jwtProcessor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT,
                new JOSEObjectType("at+jwt"), null));
        jwtProcessor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
        jwtProcessor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(options.audience(),
                new JWTClaimsSet.Builder().issuer(options.issuer().toString()).build(),
                Set.of("exp", options.usernameClaim())));
        return jwtProcessor;
    }

    /** The issuer's JWKS URL from its discovery document, which must name the same issuer. */
    private URI jwksUri() {
        String issuer = options.issuer().toString();
        URI discovery = URI.create((issuer.endsWith("/") ? issuer : issuer + "/") + ".well-known/openid-configuration");
        JsonNode document;
        try {
            HttpResponse<byte[]> response = httpClient.send(HttpRequest.newBuilder(discovery).timeout(HTTP_TIMEOUT)
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw unavailable(discovery + " answered HTTP " + response.statusCode(), null);
            }
            document = WireFormat.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw unavailable(discovery + " could not be read: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while reading " + discovery, e);
        }
        String declaredIssuer = document.path("issuer").asText("");
        if (!declaredIssuer.equals(issuer)) {
            throw unavailable("its discovery document names the issuer '" + declaredIssuer + "'", null);
        }
        String jwks = document.path("jwks_uri").asText("");
        if (jwks.isEmpty()) {
            throw unavailable("its discovery document has no jwks_uri", null);
        }
        try {
            return URI.create(jwks);
        } catch (IllegalArgumentException e) {
            throw unavailable("its jwks_uri '" + jwks + "' is not a URI", e);
        }
    }

    private SlipwayException unavailable(String reason, Throwable cause) {
        String message = "Cannot use the OpenID Connect issuer " + options.issuer() + ": " + reason;
        LOG.warn(message);
        return cause == null ? new SlipwayException(ErrorCode.TEMPORARILY_UNAVAILABLE, message)
                : new SlipwayException(ErrorCode.TEMPORARILY_UNAVAILABLE, message, cause);
    }
}
