"""The direction of dependencies (docs/architecture.md, "Layers"):

    domain <- db <- {sync format, reports, charts} <- services <- {ui, cli} <- app

Every module of `posko_desktop` is parsed with `ast` (imports inside functions and
`TYPE_CHECKING` blocks included) and each import of our own code must point to a layer the
importing module's layer may use. Reports and charts are pure tools over plain data: they
use neither the database layer nor SQLAlchemy.
"""

from __future__ import annotations

import ast
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import posko_desktop

PACKAGE = Path(posko_desktop.__file__).resolve().parent

# Layer of every module: the longest matching dotted prefix wins.
LAYER_OF: dict[str, str] = {
    "posko_desktop": "domain",  # the package itself (version)
    "posko_desktop.paths": "domain",  # stdlib-only helpers of the entry points
    "posko_desktop.logsetup": "domain",
    "posko_desktop.core": "domain",  # domain, i18n, time, periods, stamps, events, progress,
    # resources, textrules, dashboard_data, keyring: stdlib and each other only;
    # untrusted (file checks before parsing: spreadsheets, medsos intake)
    "posko_desktop.core.medsos": "domain",  # social-media logic: no database, no Qt
    "posko_desktop.core.db": "db",
    "posko_desktop.core.backup": "db",  # backup files, manifests, copies: database files
    "posko_desktop.core.context": "db",  # AppContext holds the Database
    "posko_desktop.core.settings": "db",  # settings live in a table
    "posko_desktop.core.sync": "sync format",
    "posko_desktop.core.reports": "reports",
    "posko_desktop.core.charts": "charts",
    "posko_desktop.core.services": "services",
    "posko_desktop.core.spreadsheets": "services",  # import/export use cases over services
    "posko_desktop.ui": "ui",
    "posko_desktop.cli": "cli",
    "posko_desktop.commands": "cli",
    "posko_desktop.app": "app",
    "posko_desktop.__main__": "app",
}

_BELOW_SERVICES = {"domain", "db", "sync format", "reports", "charts"}
MAY_IMPORT: dict[str, set[str]] = {
    "domain": {"domain"},
    "db": {"domain", "db"},
    "sync format": {"domain", "db", "sync format"},
    "charts": {"domain", "charts"},
    "reports": {"domain", "charts", "reports"},  # the PDF embeds the charts
    "services": _BELOW_SERVICES | {"services"},
    "ui": _BELOW_SERVICES | {"services", "ui"},
    "cli": _BELOW_SERVICES | {"services", "cli"},
    "app": _BELOW_SERVICES | {"services", "ui", "cli", "app"},
}
# Third-party packages a layer must not use (static check; the runtime check that core
# never loads Qt is tests/test_architecture.py).
DATABASE = ("sqlalchemy", "alembic", "psycopg")
QT = ("PySide6", "shiboken6", "matplotlib.backends.backend_qtagg")
MAY_NOT_USE: dict[str, tuple[str, ...]] = {
    "domain": DATABASE + QT,
    "charts": DATABASE + QT,
    "reports": DATABASE + QT,
    "db": QT,
    "sync format": QT,
    "services": QT,
    "cli": QT,
}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    path: str  # its file, relative to the package's parent folder
    line: int
    target: str  # the imported module (ours or third-party)


@dataclass(frozen=True)
class Violation:
    imp: Import
    source_layer: str
    target_layer: str

    def __str__(self) -> str:
        return "{p}:{n}: {m} ({sl}) imports {t} ({tl})".format(
            p=self.imp.path, n=self.imp.line, m=self.imp.module, sl=self.source_layer,
            t=self.imp.target, tl=self.target_layer)


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(root: Path) -> list[Import]:
    """Every import statement anywhere in every module under `root` (a package folder)."""
    files = sorted(root.rglob("*.py"))
    known = {module_name(f, root) for f in files}
    found: list[Import] = []
    for file in files:
        name = module_name(file, root)
        package = name if file.name == "__init__.py" else name.rpartition(".")[0]
        rel = str(file.relative_to(root.parent))
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"), str(file))):
            if isinstance(node, ast.Import):
                found += [Import(name, rel, node.lineno, a.name) for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(anchor + ([node.module] if node.module else []))
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    found.append(Import(name, rel, node.lineno, sub if sub in known else base))
    return list(dict.fromkeys(found))  # `from m import a, b`: one import of m


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    for i in range(len(parts), 0, -1):
        layer = LAYER_OF.get(".".join(parts[:i]))
        if layer is not None:
            return layer
    return None


def _uses(target: str, packages: Iterable[str]) -> bool:
    return any(target == p or target.startswith(p + ".") for p in packages)


def violations(imports: Iterable[Import]) -> list[Violation]:
    out = []
    for imp in imports:
        source = layer_of(imp.module)
        if source is None:
            continue  # reported by test_every_module_has_a_layer
        if imp.target == "posko_desktop" or imp.target.startswith("posko_desktop."):
            target = layer_of(imp.target)
            if target is not None and target not in MAY_IMPORT[source]:
                out.append(Violation(imp, source, target))
        elif _uses(imp.target, MAY_NOT_USE.get(source, ())):
            out.append(Violation(imp, source, "third-party, not for " + source))
    return out


def test_no_module_imports_upwards():
    """domain <- db <- {sync format, reports, charts} <- services <- {ui, cli} <- app."""
    bad = violations(imports_of(PACKAGE))
    assert not bad, "upward imports:\n" + "\n".join(map(str, bad))


def test_every_module_has_a_layer():
    """A new package gets its place in LAYER_OF (and in docs/architecture.md)."""
    modules = {module_name(f, PACKAGE) for f in PACKAGE.rglob("*.py")}
    assert not sorted(m for m in modules if layer_of(m) is None)


def test_the_check_names_module_and_line_of_planted_upward_imports(tmp_path):
    """A copy of the package with three bad imports: inside a function, under
    TYPE_CHECKING, and relative; each is reported with its file and line."""
    copy = tmp_path / "posko_desktop"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    plant = {
        "core/charts/trend.py": "def _late():\n    from posko_desktop.core.services import stats\n",
        "core/db/search.py": ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                              "    from posko_desktop.ui.tasks import TaskRunner\n"),
        "core/sync/records.py": "from ..services import audit\n",
        "core/dashboard_data.py": "import sqlalchemy\n",
    }
    expected = set()
    for rel, code in plant.items():
        file = copy / rel
        text = file.read_text(encoding="utf-8")
        file.write_text(text + code, encoding="utf-8")
        expected.add(("posko_desktop/" + rel, text.count("\n") + code.count("\n")))
    found = violations(imports_of(copy))
    assert {(v.imp.path, v.imp.line) for v in found} == expected
    text = "\n".join(map(str, found))
    assert "posko_desktop.core.charts.trend (charts) imports posko_desktop.core.services.stats (services)" in text
    assert "posko_desktop.core.db.search (db) imports posko_desktop.ui.tasks (ui)" in text
    assert "posko_desktop.core.sync.records (sync format) imports posko_desktop.core.services.audit" in text
    assert "posko_desktop.core.dashboard_data (domain) imports sqlalchemy" in text


def test_the_rules_on_a_synthetic_graph():
    """Each rule of the brief: sync format not -> services; charts and reports not -> db or
    services; db not -> services; nothing in core -> ui / cli / commands / app."""
    edges = [
        ("posko_desktop.core.sync.package", "posko_desktop.core.services.sync"),
        ("posko_desktop.core.charts.style", "posko_desktop.core.db.models"),
        ("posko_desktop.core.reports.sitrep_pdf", "posko_desktop.core.settings"),
        ("posko_desktop.core.reports.sitrep_pdf", "posko_desktop.core.services.dashboard"),
        ("posko_desktop.core.db.engine", "posko_desktop.core.services.audit"),
        ("posko_desktop.core.services.sitrep", "posko_desktop.commands.common"),
        ("posko_desktop.core.domain", "posko_desktop.app"),
        ("posko_desktop.commands.dashboard", "posko_desktop.ui.dashboard.tab"),
        ("posko_desktop.ui.main_window", "posko_desktop.cli"),
    ]
    allowed = [
        ("posko_desktop.core.services.sitrep", "posko_desktop.core.reports.sitrep_pdf"),
        ("posko_desktop.core.reports.sitrep_pdf", "posko_desktop.core.charts.style"),
        ("posko_desktop.core.sync.records", "posko_desktop.core.db.stamps"),
        ("posko_desktop.core.charts.trend", "posko_desktop.core.dashboard_data"),
        ("posko_desktop.app", "posko_desktop.ui.startup"),
        ("posko_desktop.ui.tabs", "posko_desktop.core.services.reference"),
        ("posko_desktop.core.services.sync", "sqlalchemy.orm"),
    ]
    graph = [Import(m, m.replace(".", "/") + ".py", i + 1, t)
             for i, (m, t) in enumerate(edges + allowed)]
    assert [(v.imp.module, v.imp.target) for v in violations(graph)] == edges
