"""Canonical incident schema, category vocabularies and errors shared by every layer."""
