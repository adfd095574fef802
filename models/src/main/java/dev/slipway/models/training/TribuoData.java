package dev.slipway.models.training;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

/**
 * Encoded rows as Tribuo datasets and examples. Tribuo numbers features by sorted name, so features are
 * named with zero-padded indexes and feature {@code i} of the encoding is Tribuo's feature {@code i}.
 */
final class TribuoData {
    /** Tribuo logs through java.util.logging at INFO; keep a strong reference so the level sticks. */
    private static final Logger TRIBUO_LOGGER = Logger.getLogger("org.tribuo");

    static {
        TRIBUO_LOGGER.setLevel(Level.WARNING);
    }

    private static final LabelFactory LABELS = new LabelFactory();
    private static final RegressionFactory REGRESSORS = new RegressionFactory();

    private TribuoData() {
    }

    static String[] featureNames(int width) {
        String[] names = new String[width];
        for (int i = 0; i < width; i++) {
            names[i] = String.format("f%07d", i);
        }
        return names;
    }

    static MutableDataset<Label> classification(EncodedData data, Target target) {
        MutableDataset<Label> dataset = new MutableDataset<>(new SimpleDataSourceProvenance("slipway", LABELS), LABELS);
        String[] names = featureNames(data.width());
        for (int row = 0; row < data.size(); row++) {
            String label = target.classes().get((int) data.targets()[row]);
            dataset.add(new ArrayExample<>(new Label(label), names, data.features()[row]));
        }
        checkFeatureIds(dataset.getFeatureIDMap(), names);
        return dataset;
    }

    static MutableDataset<Regressor> regression(EncodedData data, Target target) {
        MutableDataset<Regressor> dataset = new MutableDataset<>(
                new SimpleDataSourceProvenance("slipway", REGRESSORS), REGRESSORS);
        String[] names = featureNames(data.width());
        for (int row = 0; row < data.size(); row++) {
            dataset.add(new ArrayExample<>(new Regressor(target.name(), data.targets()[row]), names,
                    data.features()[row]));
        }
        checkFeatureIds(dataset.getFeatureIDMap(), names);
        return dataset;
    }

    /** The ONNX export and the tree walk rely on Tribuo's feature ids being the encoding's indexes. */
    private static void checkFeatureIds(ImmutableFeatureMap featureMap, String[] names) {
        if (featureMap.size() != names.length) {
            throw new IllegalStateException("Tribuo kept " + featureMap.size() + " of " + names.length + " features");
        }
        for (int i = 0; i < names.length; i++) {
            if (featureMap.getID(names[i]) != i) {
                throw new IllegalStateException("Tribuo numbered feature " + names[i] + " as "
                        + featureMap.getID(names[i]));
            }
        }
    }

    /** Class probabilities per row, columns in the target's class order. */
    static double[][] predictClassification(Model<Label> model, double[][] features, Target target) {
        String[] names = featureNames(features.length == 0 ? 0 : features[0].length);
        double[][] probabilities = new double[features.length][target.classes().size()];
        for (int row = 0; row < features.length; row++) {
            Example<Label> example = new ArrayExample<>(LABELS.getUnknownOutput(), names, features[row]);
            Prediction<Label> prediction = model.predict(example);
            for (int i = 0; i < target.classes().size(); i++) {
                Label score = prediction.getOutputScores().get(target.classes().get(i));
                probabilities[row][i] = score == null ? 0.0 : score.getScore();
            }
        }
        return probabilities;
    }

    static double[][] predictRegression(Model<Regressor> model, double[][] features) {
        String[] names = featureNames(features.length == 0 ? 0 : features[0].length);
        double[][] values = new double[features.length][1];
        for (int row = 0; row < features.length; row++) {
            Example<Regressor> example = new ArrayExample<>(REGRESSORS.getUnknownOutput(), names, features[row]);
            values[row][0] = model.predict(example).getOutput().getValues()[0];
        }
        return values;
    }

    /** For each class of the target, Tribuo's output id. */
    static long[] outputIds(ImmutableOutputInfo<Label> outputInfo, List<String> classes) {
        long[] ids = new long[classes.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = outputInfo.getID(new Label(classes.get(i)));
            if (ids[i] < 0) {
                throw new IllegalStateException("Tribuo does not know class " + classes.get(i));
            }
        }
        return ids;
    }
}
