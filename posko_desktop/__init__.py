"""Posko Desk Pilkada: desktop incident log for Central Java's election command post."""

from typing import Any


def __getattr__(name: str) -> Any:
    """`__version__` comes from pyproject.toml through core/appinfo.py (read when asked)."""
    if name == "__version__":
        from posko_desktop.core.appinfo import app_info

        return app_info().version
    raise AttributeError(name)
