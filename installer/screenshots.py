"""Screenshots of every tab of the window for docs/screenshots/ (docs/screenshots.md).

A training database with demo data is made in a temporary folder, the clock is fixed on
voting day (27 November 2024, 14.00 WIB), and every tab is rendered in Indonesian at each
size. Run under a virtual screen of the office laptop's size:

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python installer/screenshots.py

Options: --out FOLDER (default docs/screenshots), --sizes 1366x768,1920x1080,
--lang id|en, --incidents N. The PNGs are reduced to a 256-colour palette (a tenth of
the size, no visible loss on flat UI pictures).
"""

from __future__ import annotations

import argparse
import io
import re
import shutil
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VOTING_DAY = datetime.fromisoformat("2024-11-27T14:00:00+07:00")


def demo_context(folder: Path, incidents: int):  # type: ignore[no-untyped-def]
    from posko_desktop.core.context import AppContext
    from posko_desktop.core.db.session import open_database
    from posko_desktop.core.domain import Actor
    from posko_desktop.core.services import demo, reference, training

    database = open_database(folder / training.TRAINING_FILE_NAME, create=True)
    ctx = AppContext(database, Actor("admin", "admin", "Admin Posko"), clock=lambda: VOTING_DAY)
    reference.init_site(ctx, "33", "Posko Latihan Jawa Tengah", training=True)
    demo.generate(ctx, incidents=incidents, days=60, end_date=date(2024, 11, 27), seed=7)
    return ctx


def settle(app, runner, seconds: float = 0.6) -> None:  # type: ignore[no-untyped-def]
    """Until the background tasks are done and the window painted again."""
    deadline = time.monotonic() + 30
    while runner.active and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def save_png(image, path: Path) -> int:  # type: ignore[no-untyped-def]
    from PIL import Image
    from PySide6.QtCore import QBuffer, QIODevice

    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    picture = Image.open(io.BytesIO(bytes(buffer.data().data()))).convert("RGB")
    picture = picture.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    picture.save(path, optimize=True)
    return path.stat().st_size


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--sizes", default="1366x768,1920x1080")
    parser.add_argument("--lang", default="id", choices=("id", "en"))
    parser.add_argument("--incidents", type=int, default=2000)
    args = parser.parse_args(argv)
    sizes = [tuple(int(v) for v in s.split("x")) for s in args.sizes.split(",")]

    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from posko_desktop.core import i18n
    from posko_desktop.ui.fonts import setup_fonts
    from posko_desktop.ui.qt_translate import CatalogueTranslator

    app = QApplication([])
    setup_fonts(app)
    translator = CatalogueTranslator(app)
    QCoreApplication.installTranslator(translator)
    i18n.set_language(args.lang)
    args.out.mkdir(parents=True, exist_ok=True)
    # a fixed folder: the database path shows in the window, so the pictures repeat
    folder = Path(tempfile.gettempdir()) / "posko-screenshots"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    try:
        render_tabs(app, args, sizes, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


def render_tabs(app, args, sizes, folder: Path) -> None:  # type: ignore[no-untyped-def]
    """Every tab at every size, one PNG each, from a demo database made in FOLDER."""
    from PySide6.QtCore import QSettings

    from posko_desktop.core import i18n
    from posko_desktop.ui import log_columns
    from posko_desktop.ui.main_window import MainWindow
    from posko_desktop.ui.tasks import TaskRunner

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    ctx = demo_context(folder, args.incidents)
    runner = TaskRunner()
    window = MainWindow(ctx, runner)
    window.show()
    settle(app, runner)
    window.build_feature_tabs()
    settle(app, runner)
    total = 0
    for width, height in sizes:
        window.resize(width, height)
        for column in log_columns.OPTIONAL:  # the default on a screen of this width
            window.log.columns.set_shown(column, width >= log_columns.WIDE_SCREEN_PX)
        for index in range(window.tabs.count()):
            window.tabs.setCurrentIndex(index)
            settle(app, runner)
            if index == 0:
                window.select_row(0)
                settle(app, runner)
            if hasattr(window.tabs.widget(index), "refresh_preview"):  # the sitrep
                window.tabs.widget(index).refresh_preview()
                settle(app, runner, seconds=1.5)
            name = "{i:02d}-{s}-{w}x{h}.png".format(
                i=index + 1, s=slug(i18n.gettext_in("en", _tab_msgid(window, index))),
                w=width, h=height)
            size = save_png(window.grab().toImage(), args.out / name)
            total += size
            print("{n}  {k} kB".format(n=name, k=size // 1024))
    print("total {m:.1f} MB".format(m=total / 1e6))
    window.close()
    runner.wait(10_000)
    ctx.db.dispose()


def _tab_msgid(window, index: int) -> str:  # type: ignore[no-untyped-def]
    """The English title of a tab (file names do not change with the language)."""
    from posko_desktop.core import i18n

    widget = window.tabs.widget(index)
    if widget is window.log:
        return "Incident log"
    current = i18n.current_language()
    i18n.set_language("en")
    try:
        return str(widget.tab_title())
    finally:
        i18n.set_language(current)


if __name__ == "__main__":
    sys.exit(main())
