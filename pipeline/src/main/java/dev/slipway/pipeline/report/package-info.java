/**
 * What {@code dvc params diff}, {@code dvc metrics show|diff} and {@code dvc plots show|diff} report: the params,
 * metrics and plots files a {@code dvc.yaml} declares, read from the workspace or from a Git revision, compared,
 * and printed as tables, Markdown, JSON in DVC's shapes, or an HTML page of charts.
 */
package dev.slipway.pipeline.report;
