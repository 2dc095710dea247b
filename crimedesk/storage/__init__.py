"""Storage: schema, engines (SQLite / PostgreSQL), migrations and queries. No Qt here."""
