package dev.slipway.core.audit;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One change made through the tracking server, as its audit log keeps it: who made it, when, from where, through
 * which route, what it did to which resource, and whether it was done.
 *
 * <p>The compact constructor checks every field: a value longer than its limit, a negative id or time or a status
 * outside 100..599 is an {@link IllegalArgumentException} (the server shortens values to fit before it builds an
 * entry). Immutable and thread-safe.
 *
 * @param id assigned by the store, increasing with each entry appended; an entry to append carries 0
 * @param time when the change was answered, epoch ms
 * @param user the authenticated user name, {@code anonymous} when the request carried none
 * @param clientAddress the address of the peer that sent the request (a proxy, behind one)
 * @param forwardedFor the {@code X-Forwarded-For} header as the client sent it, when there was one: what a proxy
 *     says the client address was, not checked by the server
 * @param method the HTTP method, such as {@code POST}
 * @param route the route pattern that answered, such as {@code /api/2.0/mlflow/experiments/create}
 * @param action what was done, such as {@code experiments/create} or {@code registered-models/alias/set}
 * @param resourceType the kind of resource changed, such as {@code experiment}, {@code run},
 *     {@code registered_model}, {@code model_version}, {@code model_alias}, {@code monitor}, {@code deployment} or
 *     {@code artifact}; absent when the route names none
 * @param resourceId the resource changed: an experiment or run id, a model name, {@code name/version} of a model
 *     version, {@code name@alias} of an alias, {@code env/name} of a deployment, an artifact path; absent when unknown
 * @param status the HTTP status of the answer: below 400 the change was made, 401 or 403 it was refused
 * @param beforeJson the resource before the change, as JSON, for registry and deployment changes; absent when it did
 *     not exist or is not recorded
 * @param afterJson the resource after the change, as JSON, for registry and deployment changes; absent when it no
 *     longer exists or is not recorded
 * @param detailsJson a compact JSON object summarising the request (secrets redacted, long values shortened, batches
 *     counted); {@code "{}"} when there is nothing to add
 */
public record AuditEntry(long id, long time, String user, String clientAddress, Optional<String> forwardedFor,
        String method, String route, String action, Optional<String> resourceType, Optional<String> resourceId,
        int status, Optional<String> beforeJson, Optional<String> afterJson, String detailsJson) {
    /** The user of a request that carried no credentials. */
    public static final String ANONYMOUS = "anonymous";

    public static final int MAX_USER_LENGTH = 256;
    public static final int MAX_ADDRESS_LENGTH = 64;
    public static final int MAX_FORWARDED_FOR_LENGTH = 512;
    public static final int MAX_METHOD_LENGTH = 16;
    public static final int MAX_ROUTE_LENGTH = 512;
    public static final int MAX_ACTION_LENGTH = 128;
    public static final int MAX_RESOURCE_TYPE_LENGTH = 64;
    public static final int MAX_RESOURCE_ID_LENGTH = 512;
    /** The longest before, after or details JSON text, in characters. */
    public static final int MAX_JSON_LENGTH = 256 * 1024;

    public AuditEntry {
        if (id < 0) {
            throw new IllegalArgumentException("id is negative: " + id);
        }
        if (time < 0) {
            throw new IllegalArgumentException("time is negative: " + time);
        }
        checkText("user", user, MAX_USER_LENGTH);
        checkText("clientAddress", clientAddress, MAX_ADDRESS_LENGTH);
        requireNonNull(forwardedFor, "forwardedFor is null").ifPresent(value -> checkText("forwardedFor", value,
                MAX_FORWARDED_FOR_LENGTH));
        checkText("method", method, MAX_METHOD_LENGTH);
        checkText("route", route, MAX_ROUTE_LENGTH);
        checkText("action", action, MAX_ACTION_LENGTH);
        requireNonNull(resourceType, "resourceType is null").ifPresent(value -> checkText("resourceType", value,
                MAX_RESOURCE_TYPE_LENGTH));
        requireNonNull(resourceId, "resourceId is null").ifPresent(value -> checkText("resourceId", value,
                MAX_RESOURCE_ID_LENGTH));
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status is not an HTTP status: " + status);
        }
        requireNonNull(beforeJson, "beforeJson is null").ifPresent(value -> checkText("beforeJson", value,
                MAX_JSON_LENGTH));
        requireNonNull(afterJson, "afterJson is null").ifPresent(value -> checkText("afterJson", value,
                MAX_JSON_LENGTH));
        checkText("detailsJson", detailsJson, MAX_JSON_LENGTH);
    }

    /** Whether the change was refused (401 or 403) rather than made. */
    public boolean refused() {
        return status >= 400;
    }

    /** This entry with the id the store gave it. */
    public AuditEntry withId(long newId) {
        return new AuditEntry(newId, time, user, clientAddress, forwardedFor, method, route, action, resourceType,
                resourceId, status, beforeJson, afterJson, detailsJson);
    }

    private static void checkText(String field, String value, int maxLength) {
        requireNonNull(value, field + " is null");
        if (value.length() > maxLength) {
            throw new IllegalArgumentException(field + " is longer than " + maxLength + " characters: "
                    + value.length());
        }
    }
}
