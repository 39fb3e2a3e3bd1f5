"""core and cli never import Qt (docs/architecture.md: the rule that keeps it simple)."""

from __future__ import annotations

import subprocess
import sys


def test_core_and_cli_do_not_import_qt():
    code = (
        "import sys, pkgutil, importlib\n"
        "import posko_desktop.core as core\n"
        "for m in pkgutil.walk_packages(core.__path__, 'posko_desktop.core.'):\n"
        "    if '.migrations' not in m.name: importlib.import_module(m.name)\n"
        "import posko_desktop.cli\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]\n"
        "assert not bad, bad\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
