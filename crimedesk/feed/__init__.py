"""Downloads from open-data portals (Qt-free; the live-feed adapter builds on it)."""
