package dev.slipway.serving;

import static java.util.Objects.requireNonNull;

/**
 * A request the server refuses, with its HTTP status and MLflow error code; each protocol writes it in its own
 * error shape ({@code {"error_code", "message"}} or the Open Inference Protocol's {@code {"error"}}).
 */
final class ServingFailure extends RuntimeException {
    private final int status;
    private final String errorCode;

    ServingFailure(int status, String errorCode, String message) {
        super(requireNonNull(message, "message is null"), null, false, false);
        this.status = status;
        this.errorCode = requireNonNull(errorCode, "errorCode is null");
    }

    static ServingFailure badRequest(String format, Object... args) {
        return new ServingFailure(400, "BAD_REQUEST", format.formatted(args));
    }

    static ServingFailure invalid(String format, Object... args) {
        return new ServingFailure(400, "INVALID_PARAMETER_VALUE", format.formatted(args));
    }

    int status() {
        return status;
    }

    String errorCode() {
        return errorCode;
    }
}
