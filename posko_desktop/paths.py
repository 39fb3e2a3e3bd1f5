"""Where the app keeps its files (platformdirs), overridable with POSKO_DATA_DIR for tests."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import PlatformDirs

APP_NAME = "PoskoDesk"
APP_AUTHOR = "Pemprov Jateng"


@dataclass(frozen=True)
class AppPaths:
    data_dir: Path
    log_dir: Path

    @property
    def default_db(self) -> Path:
        return self.data_dir / "posko.sqlite3"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "posko.log"

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "keys"

    def ensure(self) -> AppPaths:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        return self

    @classmethod
    def default(cls) -> AppPaths:
        override = os.environ.get("POSKO_DATA_DIR")
        if override:
            base = Path(override).expanduser()
            return cls(base, base / "logs")
        dirs = PlatformDirs(APP_NAME, APP_AUTHOR)
        return cls(Path(dirs.user_data_dir), Path(dirs.user_log_dir))


def resolve_db(cli_value: str | None, paths: AppPaths) -> str:
    """`--db` wins, then POSKO_DB, then the SQLite file in the user data folder."""
    return cli_value or os.environ.get("POSKO_DB") or str(paths.default_db)
