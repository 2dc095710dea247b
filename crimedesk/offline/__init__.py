"""Take a slice of a (PostgreSQL) store onto a laptop's SQLite store, and bring field imports back."""
