-- The MLflow 3 logged model a model version was registered from (model-versions/create model_id).
ALTER TABLE model_versions ADD COLUMN model_id TEXT;
