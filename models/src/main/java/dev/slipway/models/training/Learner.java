package dev.slipway.models.training;

/** Trains one kind of model. Implementations are stateless. */
interface Learner {
    /**
     * Fits a model to the training rows, reporting iteration metrics on the validation rows when the
     * algorithm has iterations.
     */
    FittedModel fit(EncodedData training, EncodedData validation, Target target, AlgorithmParameters parameters,
            long seed, TrainingListener listener);
}
