"""Imports every model module so `Base.metadata` is complete (Alembic, tests)."""

from posko_desktop.core.db import (
    models,  # noqa: F401
    models_accounts,  # noqa: F401
    models_audit,  # noqa: F401
    models_baseline_sync,  # noqa: F401
    models_dashboard,  # noqa: F401
    models_directory,  # noqa: F401
    models_kerawanan,  # noqa: F401
    models_medsos,  # noqa: F401
    models_records,  # noqa: F401
    models_shifts,  # noqa: F401
    models_site_key,  # noqa: F401
    models_sitrep,  # noqa: F401
    models_sync,  # noqa: F401
    models_units,  # noqa: F401
)
