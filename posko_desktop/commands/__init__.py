"""CLI subcommands, one module per area. Each module has `register(subparsers)`.

`COMMANDS` names the module that registers each top-level command, so that `posko stats
...` imports the stats module alone (and what it needs), not every area with its PDF,
spreadsheet and chart libraries. `posko --help`, no command or an unknown word registers
every module, in the order of `MODULES` (the order `--help` lists them in);
tests/cli/test_cli_imports.py checks that the two stay in step.
"""

from __future__ import annotations

import importlib
from types import ModuleType

MODULES = ("site", "spreadsheets", "sync", "accounts", "incidents", "activities", "stats",
           "sitrep", "weekly", "flash", "dashboard", "backup", "places", "units", "directory",
           "kerawanan", "medsos_posts", "medsos_cases", "stage_progress", "taxonomy", "shifts")

COMMANDS = {
    "init": "site",
    "xlsx-template": "spreadsheets", "import-xlsx": "spreadsheets", "export-log": "spreadsheets",
    "keys": "sync", "export": "sync", "import": "sync", "conflicts": "sync",
    "sync-status": "sync",
    "user": "accounts", "passwd": "accounts", "audit": "accounts", "settings": "accounts",
    "incident": "incidents", "demo-data": "incidents",
    "activity": "activities",
    "stats": "stats",
    "sitrep": "sitrep",
    "weekly": "weekly",
    "flash": "flash",
    "chart": "dashboard", "nihil": "dashboard", "watch": "dashboard", "warnings": "dashboard",
    "backup": "backup", "restore": "backup", "check": "backup",
    "places": "places", "export-geo": "places",
    "unit": "units",
    "agency": "directory",
    "contest": "kerawanan", "tps": "kerawanan", "baseline": "kerawanan",
    "post": "medsos_posts", "lexicon": "medsos_posts",
    "case": "medsos_cases", "takedown": "medsos_cases",
    "progress": "stage_progress",
    "categories": "taxonomy",
    "shift": "shifts",
}


def load(name: str) -> ModuleType:
    """The command module `name` (of `MODULES`), ready to register."""
    module = importlib.import_module(f"{__name__}.{name}")
    if name == "medsos_cases":  # case card|claimreview, takedown letter|register
        from posko_desktop.commands import medsos_outputs

        medsos_outputs.hook_into(module)
    return module


def modules_for(command: str | None) -> list[ModuleType]:
    """The modules to register for `command`: its own, or every one."""
    if command in COMMANDS:
        return [load(COMMANDS[command])]
    return [load(name) for name in MODULES]
