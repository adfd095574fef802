package dev.slipway.server;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.auth.Access;
import dev.slipway.core.auth.AuthService;
import dev.slipway.core.auth.User;

/** The authenticated user of one request, what the user may do, and the service that records new owners. */
record RequestAccess(User user, Access access, AuthService service) {
    RequestAccess {
        requireNonNull(user, "user is null");
        requireNonNull(access, "access is null");
        requireNonNull(service, "service is null");
    }
}
