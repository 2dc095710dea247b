"""crimedesk: a desktop GIS application for crime analysts."""

from crimedesk.storage.sqlite_library import disable_memory_statistics

__version__ = "0.1.0"

disable_memory_statistics()  # before anything imports sqlite3 (see storage.sqlite_library)
