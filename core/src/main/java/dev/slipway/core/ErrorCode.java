package dev.slipway.core;

/**
 * Error codes with MLflow's names. Each code maps to exactly one HTTP status; the server uses
 * {@link #httpStatus()} and writes {@code {"error_code": name(), "message": ...}}.
 */
public enum ErrorCode {
    INVALID_PARAMETER_VALUE(400),
    BAD_REQUEST(400),
    RESOURCE_ALREADY_EXISTS(400),
    UNAUTHENTICATED(401),
    PERMISSION_DENIED(403),
    RESOURCE_DOES_NOT_EXIST(404),
    ENDPOINT_NOT_FOUND(404),
    RESOURCE_CONFLICT(409),
    /** A request body larger than the server accepts (not an MLflow code: MLflow leaves this to its web server). */
    REQUEST_TOO_LARGE(413),
    REQUEST_LIMIT_EXCEEDED(429),
    INTERNAL_ERROR(500),
    INVALID_STATE(500),
    NOT_IMPLEMENTED(501),
    TEMPORARILY_UNAVAILABLE(503),
    DEADLINE_EXCEEDED(504);

    private final int httpStatus;

    ErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
