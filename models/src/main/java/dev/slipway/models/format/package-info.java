/**
 * MLflow's model folder format for ONNX models: the {@link dev.slipway.models.format.MLmodel}
 * file with its {@link dev.slipway.models.format.Signature}, and
 * {@link dev.slipway.models.format.ModelDirectory}, which reads and atomically writes a whole
 * folder (MLmodel, model.onnx, input examples, Python environment files).
 */
package dev.slipway.models.format;
