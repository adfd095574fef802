package dev.slipway.pipeline;

import dev.slipway.core.SlipwayException;
import java.util.Optional;

/** Builds the one-line message of a bad pipeline definition: file, line (when known), stage (when known), problem. */
final class PipelineError {
    private PipelineError() {}

    /**
     * @param line 1-based; 0 when unknown
     * @return INVALID_PARAMETER_VALUE with {@code file:line: stage 'name': message}
     */
    static SlipwayException at(String file, int line, Optional<String> stage, String format, Object... args) {
        StringBuilder message = new StringBuilder(file);
        if (line > 0) {
            message.append(':').append(line);
        }
        message.append(": ");
        stage.ifPresent(name -> message.append("stage '").append(name).append("': "));
        message.append(String.format(format, args));
        return SlipwayException.invalidParameter("%s", message);
    }
}
