"""SQLite (stdlib sqlite3) implementation of the storage ports: the embedded store."""
