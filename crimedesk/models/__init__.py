"""Models: hotspot predictors, clustering, spatial statistics, forecasts and their evaluation."""
