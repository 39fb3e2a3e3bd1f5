"""File-based sync between sites: keys, signed `.posko` packages, merge (docs/sync-format.md)."""
