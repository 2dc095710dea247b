"""Feature engineering shared by training and scoring: projected grids, spatial aggregates."""
