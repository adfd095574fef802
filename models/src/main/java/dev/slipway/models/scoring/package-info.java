/**
 * Scoring with ONNX Runtime: {@link dev.slipway.models.scoring.OnnxModel} loads a model and
 * scores {@link dev.slipway.models.scoring.FeatureBatch}es into
 * {@link dev.slipway.models.scoring.Predictions}; {@link dev.slipway.models.scoring.BatchPredictor}
 * streams a CSV file through it into a predictions CSV.
 */
package dev.slipway.models.scoring;
