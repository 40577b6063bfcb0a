"""A persistent MinHash index of what earlier runs kept (SQLite or Redis)."""
