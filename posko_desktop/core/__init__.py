"""Qt-free core: domain, database, services, reports, sync. Never imports Qt."""
