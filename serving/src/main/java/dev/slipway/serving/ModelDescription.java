package dev.slipway.serving;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * What one served name answers with right now: the model URIs as configured and the versions they resolved to.
 *
 * @param name the name clients route to
 * @param uri the stable version's model URI, as configured (an alias stays an alias)
 * @param version the stable version being served
 * @param canary the canary, if any
 * @param shadow the shadow, if any
 */
public record ModelDescription(String name, String uri, String version, Optional<Canary> canary,
        Optional<Shadow> shadow) {
    public ModelDescription {
        requireNonNull(name, "name is null");
        requireNonNull(uri, "uri is null");
        requireNonNull(version, "version is null");
        requireNonNull(canary, "canary is null");
        requireNonNull(shadow, "shadow is null");
    }

    /**
     * A canary being served.
     *
     * @param uri its model URI, as configured
     * @param version the version being served
     * @param percent its share of the requests, 0 to 100
     */
    public record Canary(String uri, String version, double percent) {
        public Canary {
            requireNonNull(uri, "uri is null");
            requireNonNull(version, "version is null");
            if (!(percent >= 0 && percent <= 100)) {
                throw new IllegalArgumentException("percent must be 0-100: " + percent);
            }
        }
    }

    /**
     * A shadow being served.
     *
     * @param uri its model URI, as configured
     * @param version the version being served
     */
    public record Shadow(String uri, String version) {
        public Shadow {
            requireNonNull(uri, "uri is null");
            requireNonNull(version, "version is null");
        }
    }
}
