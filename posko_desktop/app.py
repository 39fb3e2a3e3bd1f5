"""Composition root of the desktop app: args → paths → logging → database → Qt → window.

    posko-desktop [--db PATH_OR_URL] [--lang id|en] [--exit-after-first-paint] [FILE.posko]

A `.posko` sync package on the command line (double-click in the file manager, the
Windows file association) opens the import confirmation once the window is up.

`--exit-after-first-paint` prints one JSON line `{"first_paint_ms": N}` (time since the
process started) once the log table has painted its first rows, then quits (bench/).
Heavy modules (matplotlib) are never imported here: feature tabs load them when needed.
"""

from __future__ import annotations

import time

_T0 = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from pathlib import Path  # noqa: E402

from posko_desktop.core import i18n  # noqa: E402
from posko_desktop.core.domain import PoskoError  # noqa: E402
from posko_desktop.core.i18n import _  # noqa: E402
from posko_desktop.logsetup import setup_logging  # noqa: E402
from posko_desktop.paths import AppPaths, resolve_db  # noqa: E402

logger = logging.getLogger(__name__)

ORGANIZATION = "Pemprov Jateng"
APPLICATION = "PoskoDesk"


def process_age_ms() -> float:
    """Milliseconds since the process started (Linux: from /proc), else since import."""
    try:
        with open("/proc/self/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        start_ticks = int(fields[19])  # field 22 (starttime), counted after "(comm)"
        with open("/proc/uptime", encoding="ascii") as fh:
            uptime = float(fh.read().split()[0])
        age = uptime - start_ticks / os.sysconf("SC_CLK_TCK")
        if 0 <= age < 3600:
            return age * 1000
    except (OSError, ValueError, IndexError):
        pass
    return (time.perf_counter() - _T0) * 1000


def _stage(name: str) -> None:
    """Start-up milestones in the log, for finding where cold-start time goes."""
    logger.info("start-up: %s at %.0f ms", name, process_age_ms())


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="posko-desktop", description=_("Posko Desk Pilkada"))
    parser.add_argument("--db", help=_("database file path or SQLAlchemy URL"))
    parser.add_argument("--lang", choices=i18n.LANGUAGES, help=_("interface language (id or en)"))
    parser.add_argument("--exit-after-first-paint", action="store_true",
                        help=_("print the start-up time as JSON and quit (benchmark)"))
    return parser.parse_known_args(list(argv))[0]  # Qt's own options pass: `_qt_args`


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    i18n.set_language(i18n.choose_language(args.lang, None))  # the user's once logged in
    paths = AppPaths.default().ensure()
    setup_logging(paths.log_file)
    logger.info("Posko Desk starting (db=%s)", args.db or "default")

    # Qt after the cheap parts, so `--help` and a bad --lang stay fast.
    from PySide6.QtCore import QCoreApplication, QTimer  # keep CLI-free import light
    from PySide6.QtWidgets import QApplication

    from posko_desktop.ui import startup

    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    app = QApplication.instance() or QApplication([sys.argv[0], *_qt_args(argv)])
    assert isinstance(app, QApplication)
    startup.setup_application(app, paths.log_file)

    _stage("qt ready")
    location = resolve_db(args.db, paths)
    try:
        opened = startup.open_or_rescue(location, paths.data_dir / "backups")
    except PoskoError as err:  # newer schema, foreign file, missing or damaged …
        logger.error("Database refused: %s", err.text_in("en"))
        startup.fatal_dialog(_("Database not opened"), err)
        return 2
    except Exception as err:  # unreadable file, bad URL, permissions
        logger.exception("Cannot open database %s", location)
        startup.fatal_dialog(_("Database not opened"), err, location=location)
        return 1
    if opened is None:
        return 0
    ctx = opened

    _stage("database open")
    startup.fixed_language = args.lang

    # Accounts (docs/roles.md): the set-up wizard while the database has no account, else
    # the login dialog; the benchmark's --exit-after-first-paint quits before any input.
    from posko_desktop.ui.accounts.flow import open_user_window, sign_in, signed_in_context
    from posko_desktop.ui.accounts.idle_lock import install_idle_lock
    from posko_desktop.ui.accounts.session import WindowSessions

    base = ctx  # the login dialog after "Keluar" starts from here

    signed = None
    if not args.exit_after_first_paint:
        signed = sign_in(ctx)
        if signed is None:
            ctx.db.dispose()
            return 0
        ctx = signed.ctx
        startup.apply_user_language(ctx)  # issue 19: the window speaks the user's language
    window = startup.build_window(ctx, first_run=not args.exit_after_first_paint)
    if window is None:
        return 0
    if signed is not None:
        if signed.wants_demo:
            window.load_demo_data()
        install_idle_lock(ctx, window)
        window.start_automatic_backups()  # start-up check, interval and close backups
        package = package_arg(argv)
        if package is not None:
            QTimer.singleShot(0, window, lambda: window.offer_package_import(package))
    sessions = WindowSessions(base, open_user_window, signed_in_context)
    sessions.attach(window)
    _stage("window built")
    if args.exit_after_first_paint:
        def report() -> None:
            _stage("first rows painted")
            print(json.dumps({"first_paint_ms": round(process_age_ms())}), flush=True)
            QTimer.singleShot(0, app.quit)

        window.first_rows_painted.connect(report)
    window.show()
    if signed is not None:  # the last shift handover is the first thing shown (issue 18)
        from posko_desktop.ui.shifts.dialog import show_after_login

        QTimer.singleShot(0, window, lambda: show_after_login(ctx, window))
    code = app.exec()
    if sessions.window is not None:
        sessions.window.runner.wait(5000)
    ctx.db.dispose()
    logger.info("Posko Desk closed (%s)", code)
    return int(code)


def package_arg(argv: Sequence[str]) -> Path | None:
    """The first `.posko` file named on the command line (not an option's value)."""
    for i, arg in enumerate(argv):
        if i > 0 and argv[i - 1] in ("--db", "--lang"):
            continue
        if not arg.startswith("-") and arg.lower().endswith(".posko"):
            return Path(arg).expanduser().resolve()
    return None


def _qt_args(argv: Sequence[str]) -> list[str]:
    """Qt's own options (e.g. -platform) pass through; ours are removed."""
    ours = {"--exit-after-first-paint"}
    out: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg in ("--db", "--lang"):
            skip = True
            continue
        if arg.startswith(("--db=", "--lang=")) or arg in ours or arg.lower().endswith(".posko"):
            continue
        out.append(arg)
    return out


if __name__ == "__main__":
    raise SystemExit(main())
