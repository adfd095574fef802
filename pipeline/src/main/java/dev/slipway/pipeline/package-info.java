/**
 * Reproducible pipelines compatible with DVC: {@code dvc.yaml} stages with templating, the stage graph,
 * {@code dvc.lock} written as DVC writes it, change detection, the run-cache and the repro engine; and the
 * params, metrics and plots files that stages declare.
 */
package dev.slipway.pipeline;
