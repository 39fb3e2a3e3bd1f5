"""`posko` loads only the command it runs: `posko stats` must not pay for the PDF,
spreadsheet, chart and Qt libraries of other commands (the whole command's time is
mostly imports; bench/ measures it). Each check runs in a fresh interpreter, as a user
starts `posko`. `--help`, of the whole CLI and of each command, still lists everything
in the chosen language."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from posko_desktop import commands
from posko_desktop.cli import chosen_command, main
from posko_desktop.core.i18n import gettext_in

# Libraries no log, statistics or account command needs: each costs 0.1-0.6 s to import.
HEAVY = ("PySide6", "matplotlib", "reportlab", "openpyxl", "numpy", "jsonschema", "PIL")

_PROBE = """
import json, sys
argv = sys.argv[1:]
if argv:
    from posko_desktop.cli import main
    try:
        main(argv)
    except SystemExit:
        pass
else:
    import posko_desktop.cli
heavy = {heavy!r}
print(json.dumps(sorted(m for m in heavy if m in sys.modules)), file=sys.stderr)
"""


def heavy_modules_after(tmp_path: Path, *argv: str) -> tuple[list[str], str]:
    """The heavy modules loaded by `import posko_desktop.cli` (no argv) or by running
    `posko ARGV` in a new interpreter, and what it printed."""
    env = {**os.environ, "POSKO_DATA_DIR": str(tmp_path / "userdata"), "POSKO_LANG": "id"}
    done = subprocess.run([sys.executable, "-c", _PROBE.format(heavy=HEAVY), *argv],
                          capture_output=True, text=True, env=env, timeout=120)
    return json.loads(done.stderr.strip().splitlines()[-1]), done.stdout


def test_importing_the_cli_loads_no_heavy_library(tmp_path):
    loaded, _out = heavy_modules_after(tmp_path)
    assert loaded == []


@pytest.mark.parametrize("argv", [["stats", "--help"], ["incident", "list", "--help"],
                                  ["--db", "x.sqlite3", "stats", "--help"]])
def test_a_log_command_loads_no_heavy_library_and_shows_its_help(tmp_path, argv):
    loaded, out = heavy_modules_after(tmp_path, *argv)
    assert loaded == []
    command = "stats" if "stats" in argv else "list"
    assert f"posko {'incident ' if command == 'list' else ''}{command}" in out
    assert "--from" in out  # the filter options are there


def test_stats_help_is_in_the_chosen_language(capsys):
    with pytest.raises(SystemExit):
        main(["--lang", "id", "stats", "--help"])
    out = capsys.readouterr().out
    wanted = gettext_in("id", "what to count by")
    assert wanted != "what to count by" and wanted in out


def test_the_whole_help_lists_every_command(capsys):
    with pytest.raises(SystemExit):
        main(["--lang", "id", "--help"])
    out = capsys.readouterr().out
    for name in commands.COMMANDS:
        assert name in out, name
    assert gettext_in("id", "count incidents by regency, category, day …") in out


def test_the_registry_names_the_module_of_every_command():
    """`commands.COMMANDS` must be what the modules register: a command missing from it
    would only show up in `posko --help`, a wrong module would fail to run."""
    registered: dict[str, str] = {}
    for name in commands.MODULES:
        parser = argparse.ArgumentParser()
        sub = parser.add_subparsers()
        commands.load(name).register(sub)
        registered.update(dict.fromkeys(sub.choices, name))
    assert registered == commands.COMMANDS
    assert set(commands.COMMANDS.values()) == set(commands.MODULES)


@pytest.mark.parametrize(("argv", "command"), [
    (["stats", "--by", "day"], "stats"),
    (["--db", "stats", "incident", "list"], "incident"),  # a file named like a command
    (["--db=x.sqlite3", "--lang", "en", "sitrep"], "sitrep"),
    (["--us", "admin", "stats"], "stats"),  # abbreviated as argparse allows
    (["--verbose", "--version"], None),
    (["-h"], None),
])
def test_the_chosen_command_is_read_as_argparse_reads_it(argv, command):
    assert chosen_command(argv) == command


def test_a_case_command_still_has_the_outputs_hooked_in(capsys):
    """`case card` comes from another module (medsos_outputs) hooked into the case
    commands: loading the case module alone must bring it."""
    with pytest.raises(SystemExit):
        main(["--lang", "en", "case", "--help"])
    assert "card" in capsys.readouterr().out
