"""Aggregates for charts and CompStat: plain ``(conn, filters) -> small result`` functions.

All grouping runs in the database (SQLite and PostgreSQL share the SQL); Python only receives
aggregated rows, plus the start-end pairs needed for aoristic weights.
"""
