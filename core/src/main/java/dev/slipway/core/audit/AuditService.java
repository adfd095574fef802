package dev.slipway.core.audit;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import dev.slipway.core.tracking.Page;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lists the audit log in front of an {@link AuditStore}: checks the filters and the page size, and pages newest
 * first with opaque tokens that hold the position of the last entry returned, so that entries appended while a
 * client pages do not shift the pages it has not read yet. Every method throws {@link SlipwayException}
 * INVALID_PARAMETER_VALUE naming the parameter on bad input. Thread-safe.
 */
public final class AuditService {
    public static final int DEFAULT_RESULTS = 100;
    public static final int MAX_RESULTS = 1000;

    private static final Pattern TOKEN = Pattern.compile("\\{\"time\":(\\d{1,18}),\"id\":(\\d{1,18})}");

    private final AuditStore store;

    public AuditService(AuditStore store) {
        this.store = requireNonNull(store, "store is null");
    }

    /**
     * One page of the entries matching the query, newest first, with the token of the next page when more may
     * remain.
     *
     * @param maxResults 1 to {@link #MAX_RESULTS}; {@link #DEFAULT_RESULTS} when absent
     * @param pageToken the {@code nextPageToken} of the previous page, absent or empty for the first
     * @throws SlipwayException INVALID_PARAMETER_VALUE for a bad page size, a negative time, a start after the end,
     *     a filter longer than the values it filters, or a token this service did not make
     */
    public Page<AuditEntry> list(AuditQuery query, Optional<Long> maxResults, Optional<String> pageToken) {
        validate(query);
        requireNonNull(maxResults, "maxResults is null");
        requireNonNull(pageToken, "pageToken is null");
        long pageSize = maxResults.orElse((long) DEFAULT_RESULTS);
        if (pageSize < 1 || pageSize > MAX_RESULTS) {
            throw SlipwayException.invalidParameter("Invalid value %d for parameter 'max_results': it must be between "
                    + "1 and %d", pageSize, MAX_RESULTS);
        }
        Optional<AuditCursor> cursor = pageToken.filter(token -> !token.isEmpty()).map(AuditService::decode);
        List<AuditEntry> fetched = store.query(query, cursor, (int) pageSize + 1);
        boolean more = fetched.size() > pageSize;
        List<AuditEntry> items = more ? new ArrayList<>(fetched.subList(0, (int) pageSize)) : fetched;
        Optional<String> next = more ? Optional.of(encode(AuditCursor.after(items.get(items.size() - 1))))
                : Optional.empty();
        return new Page<>(items, next);
    }

    static String encode(AuditCursor cursor) {
        String json = "{\"time\":" + cursor.time() + ",\"id\":" + cursor.id() + "}";
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    static AuditCursor decode(String token) {
        String json;
        try {
            json = new String(Base64.getUrlDecoder().decode(token.trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw SlipwayException.invalidParameter("Invalid page token: it is not one this server returned");
        }
        Matcher matcher = TOKEN.matcher(json);
        if (!matcher.matches()) {
            throw SlipwayException.invalidParameter("Invalid page token: it is not one this server returned");
        }
        return new AuditCursor(Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2)));
    }

    private static void validate(AuditQuery query) {
        requireNonNull(query, "query is null");
        checkLength("user", query.user(), AuditEntry.MAX_USER_LENGTH);
        checkLength("action", query.action(), AuditEntry.MAX_ACTION_LENGTH);
        checkLength("resource_type", query.resourceType(), AuditEntry.MAX_RESOURCE_TYPE_LENGTH);
        checkLength("resource_id", query.resourceId(), AuditEntry.MAX_RESOURCE_ID_LENGTH);
        checkTime("start_time", query.startTime());
        checkTime("end_time", query.endTime());
        if (query.startTime().isPresent() && query.endTime().isPresent()
                && query.startTime().get() > query.endTime().get()) {
            throw SlipwayException.invalidParameter("Invalid time range: start_time %d is after end_time %d",
                    query.startTime().get(), query.endTime().get());
        }
    }

    private static void checkLength(String field, Optional<String> value, int maxLength) {
        if (value.isPresent() && value.get().length() > maxLength) {
            throw SlipwayException.invalidParameter("'%s' exceeds the maximum length of %d characters (got %d)", field,
                    maxLength, value.get().length());
        }
    }

    private static void checkTime(String field, Optional<Long> time) {
        if (time.isPresent() && time.get() < 0) {
            throw SlipwayException.invalidParameter("Invalid value %d for parameter '%s': expected epoch milliseconds "
                    + ">= 0", time.get(), field);
        }
    }
}
