"""Boundary layers (districts, beats, precincts...) and the spatial join of incidents to them.

``read`` turns a boundary file into clean WGS84 regions, ``store`` keeps layers in the database,
``join`` locates points in regions (vectorised) and bulk-writes ``incident_regions``.
"""
