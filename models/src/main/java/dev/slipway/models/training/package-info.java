/**
 * Built-in training: reads a CSV training table, encodes it, trains a Tribuo or XGBoost model and writes
 * it as one self-contained ONNX graph in an MLflow model folder. The entry point is
 * {@link dev.slipway.models.training.Trainer}.
 *
 * <h2>Data</h2>
 * A column is numeric when every non-empty cell is a number (empty, {@code NaN}, {@code NA}, {@code N/A}
 * and {@code null} are missing values), else categorical. With {@code --task auto} the target makes a
 * classification when it is not numeric or has at most 20 distinct whole-number values, else a
 * regression. Categorical columns are one-hot encoded over the training categories ({@code ""} included
 * when present; an unknown category encodes as all zeros); missing numbers take the training mean.
 * Validation rows are a seeded random 20% of the file unless a split fraction or a validation file is
 * given.
 *
 * <h2>Algorithms and {@code --param} keys</h2>
 * <table>
 * <caption>Parameters (defaults in brackets)</caption>
 * <tr><th>algorithm</th><th>task</th><th>parameters</th></tr>
 * <tr><td>logistic</td><td>classification</td><td rowspan="2">epochs [20], learning_rate [0.1] (AdaGrad),
 * epsilon [0.1] (AdaGrad), minibatch_size [1], standardize [true]</td></tr>
 * <tr><td>linear</td><td>regression</td></tr>
 * <tr><td>xgboost</td><td>both</td><td>n_estimators [100], max_depth [6], learning_rate [0.3],
 * min_child_weight [1], subsample [1], colsample_bytree [1], reg_lambda [1], reg_alpha [0], gamma [0],
 * base_score [0.5], tree_method [exact] (exact, approx, hist)</td></tr>
 * <tr><td>random-forest</td><td>both</td><td>n_estimators [100], max_depth [16], min_child_weight [5],
 * feature_fraction [0.7], min_impurity_decrease [0], criterion [gini] (gini, entropy; classification
 * only)</td></tr>
 * </table>
 * An unknown key or a value out of range is refused with a message naming the key, the value and what is
 * accepted. {@link dev.slipway.models.training.Algorithm#parameters} lists the same specs with one-line
 * descriptions.
 *
 * <h2>Metrics</h2>
 * Iteration metrics go to {@link dev.slipway.models.training.TrainingListener}: {@code val_log_loss} or
 * {@code val_rmse} per XGBoost round and per forest tree (the forest of the first {@code step + 1} trees),
 * {@code train_loss} per SGD epoch. The final validation metrics are in
 * {@link dev.slipway.models.training.ValidationMetrics}; the last iteration value of a metric equals its
 * final value.
 */
package dev.slipway.models.training;
