package dev.slipway.pipeline;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Why a stage would rerun, as {@code dvc status} reports it.
 *
 * @param changedDeps dependency path to {@code deleted}/{@code modified}; a params file to {@code deleted},
 *     {@code new}, or a mapping of param key to {@code new}/{@code deleted}/{@code modified}
 * @param changedOuts output path to {@code not in cache}/{@code deleted}/{@code modified}
 * @param alwaysChanged {@code always_changed} (or a command with neither deps nor outs)
 * @param changedCommand the command differs from the one {@code dvc.lock} records
 * @param reason the first reason in the order DVC checks (command, deps, outs), for messages
 */
public record StageStatus(String stage, Map<String, Object> changedDeps, Map<String, String> changedOuts,
        boolean alwaysChanged, boolean changedCommand, Optional<String> reason) {
    public StageStatus {
        requireNonNull(stage, "stage is null");
        changedDeps = Collections.unmodifiableMap(new LinkedHashMap<>(changedDeps));
        changedOuts = Collections.unmodifiableMap(new LinkedHashMap<>(changedOuts));
        requireNonNull(reason, "reason is null");
    }

    public boolean changed() {
        return reason.isPresent();
    }
}
