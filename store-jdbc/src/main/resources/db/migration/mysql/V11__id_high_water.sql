-- The lowest id a sequence may still hand out, for ids that are otherwise the largest in use plus one. `slipway gc`
-- raises it when it removes an experiment for good, so that no later experiment gets a removed experiment's id (and
-- with it links, bookmarks or audit entries meant for the removed one). name: the sequence ('experiments').

CREATE TABLE id_high_water (
  name       VARCHAR(64) NOT NULL PRIMARY KEY,
  next_value BIGINT      NOT NULL
);
