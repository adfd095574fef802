/**
 * Production monitoring: drift tests per column with Evidently's default choice of method, data quality of live
 * inputs, live model quality from feedback, and the mergeable sketches (quantiles, frequencies) that keep a window of
 * any size in bounded memory.
 *
 * <ul>
 *   <li>Sketches: {@link dev.slipway.monitoring.NumericSketch} (log-linear histogram, values within 2^-8 relative),
 *       {@link dev.slipway.monitoring.FrequencySketch} (capped frequency table), per table
 *       {@link dev.slipway.monitoring.DatasetSketch}, and its thread-safe sharded form for the prediction log,
 *       {@link dev.slipway.monitoring.WindowSketch}.</li>
 *   <li>Drift: {@link dev.slipway.monitoring.DriftMethod} (methods, default thresholds, the default-method table),
 *       {@link dev.slipway.monitoring.DriftStatistics} (the tests over
 *       {@link dev.slipway.monitoring.ColumnDistribution}s from raw values or sketches),
 *       {@link dev.slipway.monitoring.DriftOptions} (overrides, drift share) and
 *       {@link dev.slipway.monitoring.DriftReport} (per-feature results, dataset drift, JSON).</li>
 *   <li>Data quality: {@link dev.slipway.monitoring.DataQualityReport} of
 *       {@link dev.slipway.monitoring.ColumnQuality}.</li>
 *   <li>Model quality: {@link dev.slipway.monitoring.ClassificationWindow} and
 *       {@link dev.slipway.monitoring.RegressionWindow} giving {@link dev.slipway.monitoring.ModelQuality}, fed from
 *       logged outputs and feedback by {@link dev.slipway.monitoring.LiveQualityWindow}.</li>
 * </ul>
 *
 * <p>Every statistic that is undefined for the data (an empty window, an all-missing or constant column where the
 * test needs variation) is reported as "not enough data" with the reason, never as a number.
 */
package dev.slipway.monitoring;
