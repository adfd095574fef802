package dev.slipway.data;

import java.nio.file.Path;
import java.util.Map;

/** Creates a {@link Remote} for the URLs of one scheme. */
public interface RemoteFactory {
    /** Whether this factory handles {@code url} (by its scheme). */
    boolean accepts(String url);

    /**
     * @param options the remote's section of the config (keys lower-cased: {@code url}, {@code region}, ...)
     * @param configFolder the folder of the config file, against which relative paths resolve
     * @throws dev.slipway.core.SlipwayException INVALID_PARAMETER_VALUE naming the remote if an option is invalid
     */
    Remote create(String name, String url, Map<String, String> options, Path configFolder);
}
