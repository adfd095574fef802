package dev.slipway.core.artifacts;

import java.net.URI;
import java.util.Map;
import java.util.Set;

/** Creates artifact repositories for the URI schemes it names ({@code file}, {@code s3}, ...). */
public interface ArtifactRepositoryFactory {
    /** The schemes this factory handles; the empty string stands for a plain local path. */
    Set<String> schemes();

    ArtifactRepository create(URI root);

    /**
     * This factory with its connection settings, named like the environment variables MLflow users set
     * ({@code MLFLOW_S3_ENDPOINT_URL}, {@code AWS_REGION}, ...). The composition root passes the process environment
     * with the command-line options applied over it. A factory that needs no settings returns itself; one that holds
     * resources (a client and its connections) returns a new factory, owned by the caller, which releases them when
     * the factory is {@link AutoCloseable} and closed.
     *
     * @throws dev.slipway.core.SlipwayException INVALID_PARAMETER_VALUE for a malformed setting, naming it
     */
    default ArtifactRepositoryFactory configured(Map<String, String> settings) {
        return this;
    }
}
