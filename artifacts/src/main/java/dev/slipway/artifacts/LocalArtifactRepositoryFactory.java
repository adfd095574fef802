package dev.slipway.artifacts;

import dev.slipway.core.SlipwayException;
import dev.slipway.core.artifacts.ArtifactRepository;
import dev.slipway.core.artifacts.ArtifactRepositoryFactory;
import java.net.URI;
import java.nio.file.Path;
import java.util.Set;

/** Local folders: {@code file:///abs/path} (no host) and plain paths. */
public final class LocalArtifactRepositoryFactory implements ArtifactRepositoryFactory {
    @Override
    public Set<String> schemes() {
        return Set.of("", "file");
    }

    @Override
    public ArtifactRepository create(URI root) {
        if (root.getScheme() != null && root.getAuthority() != null && !root.getAuthority().isEmpty()
                && !root.getAuthority().equals("localhost")) {
            throw SlipwayException.invalidParameter("'%s' is not a valid local file URI: it names a remote host '%s'",
                    root, root.getAuthority());
        }
        String path = root.getPath();
        if (path == null || path.isEmpty()) {
            throw SlipwayException.invalidParameter("Invalid local artifact location '%s'", root);
        }
        for (String segment : path.split("/")) {
            if (segment.equals("..")) {
                throw SlipwayException.invalidParameter("Invalid local artifact location '%s': '..' is not allowed", root);
            }
        }
        return new LocalArtifactRepository(Path.of(path));
    }
}
