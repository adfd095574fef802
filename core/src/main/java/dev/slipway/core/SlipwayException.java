package dev.slipway.core;

import static java.util.Objects.requireNonNull;

/** A failure with an MLflow error code and a message that names the culprit. */
public class SlipwayException extends RuntimeException {
    private final ErrorCode errorCode;

    public SlipwayException(ErrorCode errorCode, String message) {
        super(requireNonNull(message, "message is null"));
        this.errorCode = requireNonNull(errorCode, "errorCode is null");
    }

    public SlipwayException(ErrorCode errorCode, String message, Throwable cause) {
        super(requireNonNull(message, "message is null"), cause);
        this.errorCode = requireNonNull(errorCode, "errorCode is null");
    }

    public ErrorCode errorCode() {
        return errorCode;
    }

    public static SlipwayException invalidParameter(String format, Object... args) {
        return new SlipwayException(ErrorCode.INVALID_PARAMETER_VALUE, String.format(format, args));
    }

    public static SlipwayException notFound(String format, Object... args) {
        return new SlipwayException(ErrorCode.RESOURCE_DOES_NOT_EXIST, String.format(format, args));
    }

    public static SlipwayException alreadyExists(String format, Object... args) {
        return new SlipwayException(ErrorCode.RESOURCE_ALREADY_EXISTS, String.format(format, args));
    }
}
