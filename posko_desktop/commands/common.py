"""Helpers shared by the CLI subcommand modules."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import Any

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.session import open_database
from posko_desktop.core.domain import Actor
from posko_desktop.paths import AppPaths, resolve_db


class CliError(Exception):
    """A refused command-line input whose message is already translated."""


def open_context(args: argparse.Namespace) -> AppContext:
    """Open (and migrate) the database named by --db / POSKO_DB / the default file.

    Until accounts exist the CLI acts as the operating-system user with the admin role.
    """
    db = open_database(resolve_db(args.db, AppPaths.default().ensure()))
    name = args.user or getpass.getuser()
    return AppContext(db, Actor(name, "admin", name))


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")
