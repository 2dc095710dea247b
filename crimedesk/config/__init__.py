"""Settings and platform paths. No Qt here."""
