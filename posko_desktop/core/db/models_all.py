"""Imports every model module so `Base.metadata` is complete (Alembic, tests)."""

from posko_desktop.core.db import models  # noqa: F401
from posko_desktop.core.db import models_accounts  # noqa: F401
