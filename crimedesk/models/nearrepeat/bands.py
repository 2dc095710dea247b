"""The Knox test's default bands, the near-repeat calculator's usual table (a module of its own so
that the Models pane can show them without loading the test's numeric stack at start-up)."""

SPATIAL_EDGES_M: tuple[float, ...] = (0, 100, 200, 300, 400, 500)
TEMPORAL_EDGES_DAYS: tuple[float, ...] = (0, 7, 14, 21, 28, 35, 42, 49, 56)
