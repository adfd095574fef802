/**
 * Model evaluation: streaming metric accumulators
 * ({@link dev.slipway.models.evaluation.ClassificationMetrics},
 * {@link dev.slipway.models.evaluation.RegressionMetrics}), the
 * {@link dev.slipway.models.evaluation.Evaluator} that scores a model on a holdout CSV, and the
 * {@link dev.slipway.models.evaluation.Comparison} of a candidate with a baseline, rendered as
 * Markdown or a terminal table.
 */
package dev.slipway.models.evaluation;
