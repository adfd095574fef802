/**
 * Writing ONNX graphs with the protobuf classes of {@code ai.onnx.proto.OnnxMl}: a
 * {@link dev.slipway.models.onnx.GraphBuilder}, the preprocessing of table columns
 * ({@link dev.slipway.models.onnx.Preprocessing}), tree ensembles
 * ({@link dev.slipway.models.onnx.TreeEnsembleWriter}) and the output names of the model contract
 * ({@link dev.slipway.models.onnx.Outputs}). Graphs use opset 13 and {@code ai.onnx.ml} opset 3.
 */
package dev.slipway.models.onnx;
