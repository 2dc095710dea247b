"""crimedesk: a desktop GIS application for crime analysts."""

__version__ = "0.1.0"
