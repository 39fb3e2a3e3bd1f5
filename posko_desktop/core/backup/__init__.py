"""Backups of the database: manifests, retention, SQLite copies and the server's dump
tools. The use cases (permissions, audit, restore) are in `core/services/backup.py`."""
