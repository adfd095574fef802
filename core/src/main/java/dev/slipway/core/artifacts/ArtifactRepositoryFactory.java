package dev.slipway.core.artifacts;

import java.net.URI;
import java.util.Set;

/** Creates artifact repositories for the URI schemes it names ({@code file}, {@code s3}, ...). */
public interface ArtifactRepositoryFactory {
    /** The schemes this factory handles; the empty string stands for a plain local path. */
    Set<String> schemes();

    ArtifactRepository create(URI root);
}
