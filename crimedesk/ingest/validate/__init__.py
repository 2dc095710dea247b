"""Validation and cleaning stages, one per module; each mutates a Batch in place."""
