"""The window and the CLI pass `expected_version` to every service that takes one.

A service with an update path takes `expected_version` (docs/contributing.md, "Optimistic
version check on update"); None skips the check, which only tests and one-shot scripts
may do. This reads the source of `ui/` and `commands/`: every use of such a service must
be a direct call that names `expected_version` (an explicit None, with a comment why, is
a decision; a forgotten argument is a lost update waiting to happen). New services that
follow the pattern are covered without touching this test.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import posko_desktop.core.services as services

ROOT = Path(__file__).resolve().parents[1] / "posko_desktop"


def versioned_services() -> dict[str, set[str]]:
    """module name -> names of its functions that take `expected_version`."""
    out: dict[str, set[str]] = {}
    for info in pkgutil.iter_modules(services.__path__):
        module = importlib.import_module(f"{services.__name__}.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and \
                    "expected_version" in inspect.signature(fn).parameters:
                out.setdefault(module.__name__, set()).add(name)
    return out


def uses_without_version(source: str, where: str, versioned: dict[str, set[str]]) -> list[str]:
    tree = ast.parse(source)
    modules: dict[str, str] = {}  # local name -> service module
    functions: set[str] = set()  # local names bound to a versioned function
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                if full in versioned:
                    modules[alias.asname or alias.name] = full
                elif alias.name in versioned.get(node.module, ()):
                    functions.add(alias.asname or alias.name)
    checked: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and any(k.arg == "expected_version" for k in node.keywords):
            checked.add(id(node.func))
    bad: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        name = None
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and \
                node.attr in versioned.get(modules.get(node.value.id, ""), ()):
            name = f"{node.value.id}.{node.attr}"
        elif isinstance(node, ast.Name) and node.id in functions:
            name = node.id
        if name and id(node) not in checked:
            bad.append((node.lineno, f"{where}:{node.lineno}: {name}"))
    return [text for _line, text in sorted(bad)]


def test_the_pattern_is_found():
    found = versioned_services()
    assert {"update_incident", "change_status", "set_deleted", "update_referral"} <= \
        found["posko_desktop.core.services.incidents"]
    assert {"set", "reset"} <= found["posko_desktop.core.services.settings_service"]
    assert {"set_role", "disable_user", "enable_user", "unlock_user", "reset_password",
            "set_display_name"} <= found["posko_desktop.core.services.accounts"]


def test_window_and_cli_always_pass_the_version_they_started_from():
    versioned = versioned_services()
    bad = []
    for folder in ("ui", "commands"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            bad.extend(uses_without_version(path.read_text(encoding="utf-8"),
                                            str(path.relative_to(ROOT.parent)), versioned))
    assert bad == []


def test_the_check_itself_notices_a_missing_version():
    source = ("from posko_desktop.core.services import incidents as svc\n"
              "from posko_desktop.core.services.settings_service import set as put\n"
              "svc.change_status(ctx, i, 'selesai')\n"
              "run(svc.set_deleted, ctx, i, True)\n"
              "svc.update_incident(ctx, i, {}, expected_version=v)\n"
              "put(ctx, 'ui.language', 'en')\n"
              "svc.get_incident(ctx, i)\n")
    assert uses_without_version(source, "probe", versioned_services()) == [
        "probe:3: svc.change_status", "probe:4: svc.set_deleted", "probe:6: put"]
